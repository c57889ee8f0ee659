// Signs in to Postern through an identity provider in headless Chromium (see loopback-chromium.mjs): the login
// page's button for the connector, the provider's login and consent pages (oidc-provider's), back to the app
// launcher, then the app.
// usage: node sso-browser-login.mjs '{"loginUrl":…,"connector":…,"login":…,"app":…}'
// Prints {"ok":true,"launcher":…,"url":…,"text":…} and exits 0, or {"ok":false,"error":…,"url":…,"html":…} and exits 1.
import { withPage } from './loopback-chromium.mjs';

const request = JSON.parse(process.argv[2] ?? '{}');
await withPage(async (page) => {
  await page.goto(request.loginUrl);
  await Promise.all([page.waitForURL((url) => !url.href.startsWith(request.loginUrl), { waitUntil: 'domcontentloaded' }), page.click(`a[data-connector="${request.connector}"]`)]);
  await page.fill('input[name=login]', request.login);
  await page.fill('input[name=password]', 'any password will do');
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('button[type=submit]')]);
  // The provider asks for consent the first time a user signs in to this client: Continue, then the launcher.
  const next = await page.waitForSelector('input[name=prompt][value=consent], #user', { state: 'attached' });
  if (await next.getAttribute('name') === 'prompt') {
    await Promise.all([page.waitForSelector('#user'), page.click('button[type=submit]')]);
  }
  await page.waitForURL((url) => url.pathname === '/web/', { waitUntil: 'domcontentloaded' });
  const launcher = page.url();
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click(`a[data-app="${request.app}"]`)]);
  await page.waitForURL((url) => url.hostname.startsWith(`${request.app}.`) && !url.pathname.startsWith('/x-postern'), { waitUntil: 'domcontentloaded' });
  return { launcher, url: page.url(), text: (await page.locator('body').textContent())?.trim() };
});

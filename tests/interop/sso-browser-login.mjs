// Signs in to Postern through an identity provider in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core): the login page's button for the connector, the provider's login and consent pages
// (oidc-provider's), back to the app launcher, then the app.
// usage: node sso-browser-login.mjs '{"loginUrl":…,"connector":…,"login":…,"app":…}'
// Prints {"ok":true,"launcher":…,"url":…,"text":…} and exits 0, or {"ok":false,"error":…,"url":…,"html":…} and exits 1.
import { chromium } from 'playwright-core';

const request = JSON.parse(process.argv[2] ?? '{}');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
let page;
try {
  // Postern's certificate is self-signed in tests; the provider is plain HTTP on the loopback.
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  // The provider's pages ask for a web font; nothing beyond this machine is reached in tests.
  await context.route((url) => !['127.0.0.1', 'localhost'].includes(url.hostname) && !url.hostname.endsWith('.localhost'), (route) => route.abort());
  page = await context.newPage();
  page.setDefaultTimeout(20000);
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
  const text = (await page.locator('body').textContent())?.trim();
  console.log(JSON.stringify({ ok: true, launcher, url: page.url(), text }));
} catch (error) {
  const html = page ? (await page.locator('body').innerText().catch(() => '')).slice(0, 2000) : '';
  console.log(JSON.stringify({ ok: false, error: String(error?.message ?? error), url: page?.url(), html }));
  process.exitCode = 1;
} finally {
  await browser.close();
}

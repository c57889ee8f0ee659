// Signs in at an identity provider in headless Chromium (see loopback-chromium.mjs) for `postern login --sso`: opens
// the address the command printed, fills in the provider's login and consent pages (oidc-provider's), and follows
// Postern's redirect to the command's loopback callback.
// usage: node sso-cli-login.mjs '{"url":…,"login":…}'
// Prints {"ok":true,"url":…,"text":…} (the callback's page) and exits 0, or {"ok":false,"error":…,"url":…,"html":…} and exits 1.
import { withPage } from './loopback-chromium.mjs';

const request = JSON.parse(process.argv[2] ?? '{}');
await withPage(async (page) => {
  await page.goto(request.url);
  await page.fill('input[name=login]', request.login);
  await page.fill('input[name=password]', 'any password will do');
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('button[type=submit]')]);
  // The provider asks for consent the first time a user signs in to this client; then its answer is posted to
  // Postern, which sends the browser on to the callback.
  const callback = (url) => url.protocol === 'http:' && url.pathname === '/callback';
  const quiet = (promise) => { promise.catch(() => {}); return promise; };
  const next = await Promise.race([
    quiet(page.waitForSelector('input[name=prompt][value=consent]', { state: 'attached' })).then(() => 'consent'),
    quiet(page.waitForURL(callback, { waitUntil: 'domcontentloaded' })).then(() => 'callback'),
  ]);
  if (next === 'consent') {
    await Promise.all([page.waitForURL(callback, { waitUntil: 'domcontentloaded' }), page.click('button[type=submit]')]);
  }
  return { url: page.url(), text: (await page.locator('body').textContent())?.trim() };
});

// Signs in to Postern in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core), opens an
// app from the launcher and reads the user name the app shows.
// usage: node browser-login.mjs '{"loginUrl":…,"username":…,"password":…,"app":…,"hostResolverRules":…?}'
// Prints {"ok":true,"url":…,"username":…,"title":…} and exits 0, or {"ok":false,"error":…,"url":…,"html":…}
// and exits 1.
import { chromium } from 'playwright-core';

const request = JSON.parse(process.argv[2] ?? '{}');
const args = [
  '--no-sandbox', // root in a container: Chromium's sandbox needs user namespaces
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
if (request.hostResolverRules) args.push(`--host-resolver-rules=${request.hostResolverRules}`);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args });
let page;
try {
  // Postern's certificate is self-signed in tests: the check that matters here is the sign-in path.
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  page = await context.newPage();
  page.setDefaultTimeout(20000);
  await page.goto(request.loginUrl);
  await page.fill('input[name=username]', request.username);
  await page.fill('input[name=password]', request.password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await Promise.all([page.waitForNavigation(), page.click(`a[data-app="${request.app}"]`)]);
  const shown = page.locator('#username');
  await shown.waitFor({ state: 'visible' });
  if (request.expectText) await page.waitForFunction((text) => document.querySelector('#username')?.textContent === text, request.expectText);
  console.log(JSON.stringify({ ok: true, url: page.url(), username: await shown.textContent(), title: await page.title() }));
} catch (error) {
  const html = page ? (await page.content().catch(() => '')).slice(0, 2000) : '';
  console.log(JSON.stringify({ ok: false, error: String(error?.message ?? error), url: page?.url(), html }));
  process.exitCode = 1;
} finally {
  await browser.close();
}

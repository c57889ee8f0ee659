// Turns on TOTP for a Postern user in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
// signs in with the password, goes to the enrolment page (or is sent there, for a user who must have a second
// factor), reads the secret from the page, computes the code with Debian's oathtool (an implementation independent
// of Postern's), confirms it, reads the ten recovery codes and follows the link to the launcher.
// usage: node totp-enrol.mjs '{"loginUrl":…,"username":…,"password":…}'
// Prints {"ok":true,"sentToEnrol":…,"secret":…,"uri":…,"qrCells":…,"code":…,"recoveryCodes":[…],"launcherUser":…,
// "cspViolations":[…]} and exits 0, or {"ok":false,"error":…,"url":…,"html":…} and exits 1.
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

const request = JSON.parse(process.argv[2] ?? '{}');
const args = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args });
let page;
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  page = await context.newPage();
  page.setDefaultTimeout(20000);
  const cspViolations = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });

  await page.goto(request.loginUrl);
  await page.fill('input[name=username]', request.username);
  await page.fill('input[name=password]', request.password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  const sentToEnrol = new URL(page.url()).pathname === '/web/account/totp';
  if (!sentToEnrol) await page.goto(new URL('/web/account/totp', page.url()).href);

  const secret = (await page.locator('#totp-secret').textContent()).trim();
  const uri = (await page.locator('#totp-uri').textContent()).trim();
  const qrCells = await page.locator('#totp-qr svg').evaluate((svg) => svg.querySelectorAll('rect, path').length);
  const code = execFileSync('oathtool', ['--totp', '-b', secret]).toString().trim();
  await page.fill('input[name=code]', code);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  const recoveryCodes = (await page.locator('#recovery-codes code').allTextContents()).map((c) => c.trim());
  if (recoveryCodes.length === 0) throw new Error('no recovery codes were shown');

  await Promise.all([page.waitForNavigation(), page.click('#continue')]);
  const launcherUser = await page.locator('#user').textContent().catch(() => null);
  console.log(JSON.stringify({ ok: true, sentToEnrol, secret, uri, qrCells, code, recoveryCodes, launcherUser, url: page.url(), cspViolations }));
} catch (error) {
  const html = page ? (await page.content().catch(() => '')).replace(/<svg[\s\S]*<\/svg>/, '<svg/>').slice(0, 3000) : '';
  console.log(JSON.stringify({ ok: false, error: String(error?.message ?? error), url: page?.url(), html }));
  process.exitCode = 1;
} finally {
  await browser.close();
}

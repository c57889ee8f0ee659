// Headless Chromium (Debian's /usr/bin/chromium driven by playwright-core) for the sign-in scripts, allowed to reach
// only this machine: Postern's certificate is self-signed in tests, the identity provider is plain HTTP on the
// loopback, and its pages' requests for web fonts beyond the machine are dropped.
// withPage(steps) runs steps(page); prints {"ok":true,…what steps returned} and exits 0, or
// {"ok":false,"error":…,"url":…,"html":…} and exits 1.
import { chromium } from 'playwright-core';

export async function withPage(steps) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  let page;
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    await context.route((url) => !['127.0.0.1', 'localhost'].includes(url.hostname) && !url.hostname.endsWith('.localhost'), (route) => route.abort());
    page = await context.newPage();
    page.setDefaultTimeout(20000);
    console.log(JSON.stringify({ ok: true, ...(await steps(page)) }));
  } catch (error) {
    const html = page ? (await page.locator('body').innerText().catch(() => '')).slice(0, 2000) : '';
    console.log(JSON.stringify({ ok: false, error: String(error?.message ?? error), url: page?.url(), html }));
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

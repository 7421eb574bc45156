/**
 * Run inside the laptop's network namespace (test/support/laptop-netns.ts) by the laptop test:
 * `node laptop-browser.js <json>` opens berth's dashboard over HTTPS in headless chromium, logs in
 * and prints what it saw as one JSON line. The browser trusts exactly berth's key (its SPKI hash),
 * as a browser that imported the admin's CA would trust the certificate.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2]) as { url: string; user: string; password: string; spki: string; chromium: string; app: string };
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-laptop-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: o.chromium, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions', `--ignore-certificate-errors-spki-list=${o.spki}`],
  });
  try {
    const page = context.pages()[0] ?? await context.newPage();
    await page.goto(`${o.url}/`);
    const loginUrl = page.url();
    await page.fill('#username', o.user);
    await page.fill('#password', o.password);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    const cookies = (await context.cookies()).map((c) => ({ name: c.name, secure: c.secure }));
    const afterUrl = page.url();
    const text = await page.textContent('body');
    // The git card is on the app's Deploys tab (on Overview only before the first deploy).
    await page.goto(`${o.url}/apps/${o.app}/deploys`);
    const gitRemote = await page.inputValue('#git-remote');
    process.stdout.write(`${JSON.stringify({ loginUrl, afterUrl, text, cookies, gitRemote })}\n`);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });

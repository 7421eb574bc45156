import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { WorkTree } from '../../support/git-client';

export const CHROMIUM = process.env.BERTH_TEST_CHROMIUM || '/usr/bin/chromium';

/** Fails fast with the fix when Debian's chromium is missing (playwright's own browsers are never downloaded). */
export function requireChromium(): void {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's browser with \`apt-get install -y chromium\`.`);
}

/** Headless chromium with a fresh profile and no background traffic: it only talks to the berth under test. */
export async function launchBrowser(): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions',
    ],
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context, page,
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** `git push` without blocking the event loop (WorkTree.push is synchronous), so the browser can be driven meanwhile. */
export function pushAsync(wt: WorkTree, berthUrl: string, token: string, app: string): Promise<{ code: number; output: string }> {
  const url = berthUrl.replace('http://', `http://berth:${token}@`) + `/git/${app}.git`;
  return new Promise((resolve) => {
    const child = spawn('git', ['push', url, 'main'], { cwd: wt.dir, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    let output = '';
    child.stdout.on('data', (b: Buffer) => { output += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { output += b.toString(); });
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (no timed assertion: the mocha timeout bounds it). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, everyMs = 200): Promise<T> {
  for (;;) {
    const v = await check();
    if (v) return v;
    await sleep(everyMs);
  }
}

export function removeImages(app: string): void {
  const ids = spawnSync('docker', ['images', '-q', `berth/${app}`], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
  if (ids.length) spawnSync('docker', ['rmi', '-f', ...new Set(ids)]);
}

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, uniqueName } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { ensureServiceImage } from '../integration/services-support';
import { WorkTree } from '../support/git-client';
import { eventually, launchBrowser, pushAsync, removeImages, requireChromium } from './support/browser';
import { APP_TABS } from '../../app/http/dashboard/app-tabs';

const PASSWORD = 'e2e dashboard password';
const SHOTS = path.join(ROOT, 'docs/screenshots');

/** Submits a form by its button and waits for the page the server redirects to. */
async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(button)]);
}

/** On a page that follows a build (`?build=N`), waits until the stream's end event and returns the log. */
async function waitBuildEnd(page: Page): Promise<{ status: string; log: string }> {
  await page.waitForSelector('#live-log[data-ended], #live-log:not([data-stream])', { timeout: 240_000 });
  const status = (await page.textContent('#live [data-build-status]'))!.trim();
  return { status, log: (await page.textContent('#live-log')) ?? '' };
}

/** In the page: the elements whose right edge passes the viewport and none of whose children does, as tag.class "text". */
const WIDEST = `(() => {
  const out = [];
  const all = [...document.querySelectorAll('body *')];
  const clipped = (e) => { for (let p = e.parentElement; p; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') return true; return false; };
  const over = all.filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && (!clipped(e) || getComputedStyle(e).position === 'absolute'));
  for (const e of over) if (![...e.children].some((c) => over.includes(c))) out.push(e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' "' + (e.textContent || '').trim().slice(0, 60) + '" right=' + Math.round(e.getBoundingClientRect().right));
  return out.slice(0, 8);
})()`;

describe('dashboard in a real browser (chromium)', function () {
  this.timeout(600_000);
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const app = uniqueName('e2e');
  const apps: string[] = [];
  const services: string[] = [];
  const trees: WorkTree[] = [];

  after(async () => {
    await browser?.close();
    if (isStarted(berth)) for (const db of services) berth.cli(['postgres:destroy', db, '--confirm', db, '--force']);
    trees.forEach((t) => t.remove());
  });
  const berth = useBerth({ BERTH_ADMIN_PASSWORD: PASSWORD }, {
    setUp: () => {
      requireChromium();
    },
  });
  before(async () => {
    browser = await launchBrowser();
    page = browser.page;
  });
  after(async () => {
    apps.forEach(removeImages);
  });

  it('logs in, creates an app, watches a push build live, sets config, scales, reads runtime logs and rolls back', async () => {
    apps.push(app);

    // Log in: a page without a session leads to the login form and back.
    await page.goto(`${berth.url}/events`);
    assert.match(page.url(), /\/login\?next=%2Fevents$/);
    await page.fill('#password', 'wrong password');
    await submit(page, 'button[type=submit]');
    assert.match((await page.textContent('.flash-error'))!, /Wrong user name or password/);
    await page.fill('#password', PASSWORD);
    await submit(page, 'form[action="/login"] button[type=submit]');
    assert.equal(new URL(page.url()).pathname, '/events');

    // Create the app with the overview's form.
    await page.goto(`${berth.url}/`);
    await page.fill('#new-app-name', app);
    await submit(page, 'text=Create app');
    assert.equal(new URL(page.url()).pathname, `/apps/${app}`);
    const remote = await page.inputValue('#git-remote');
    assert.equal(remote, `git remote add paas ${berth.url}/git/${app}.git`);

    // The git card says to use an API token as the password and links the page that makes one: create
    // it there (with an expiry), copy it from the one answer that shows it, and push with it.
    await submit(page, 'a:text("create one on API tokens")');
    assert.equal(new URL(page.url()).pathname, '/tokens');
    await page.fill('#token-name', 'e2e-push');
    await page.fill('#token-days', '7');
    await submit(page, 'text=Create token');
    const token = await page.inputValue('#new-token');
    assert.match(token, /^berth_[A-Za-z0-9_-]{32}$/);
    assert.match((await page.textContent('tr[data-token-name="e2e-push"]'))!, /^\s*e2e-push\s+\d+s ago\s+\d{4}-\d{2}-\d{2}\s+Revoke…\s*$/);

    // Push with git; the page follows the build's log as it is written.
    const wt = WorkTree.fromFixture('dashboard-app');
    trees.push(wt);
    wt.write('www/build-id.txt', `${crypto.randomUUID()}\n`); // a fresh layer, so the slow RUN step really runs
    wt.commitAll('unique build');
    const pushing = pushAsync(wt, berth.url, token, app);
    const build = await eventually(async () => (await berth.api('GET', `/api/v1/apps/${app}/builds`)).json?.builds?.[0]);
    await page.goto(`${berth.url}/apps/${app}?build=${build.id}`);
    const atLoad = (await page.textContent('#live-log')) ?? '';
    await page.locator('#live-log', { hasText: 'tick 3' }).waitFor({ timeout: 240_000 });
    const ended = await waitBuildEnd(page);
    assert.equal(ended.status, 'succeeded', ended.log);
    assert.doesNotMatch(atLoad, /Routing/, 'the page was loaded before the build finished');
    assert.match(ended.log, /building dashboard-app: tick 6[\s\S]*Routing/, 'the rest of the log streamed into the open page');
    const pushed = await pushing;
    assert.equal(pushed.code, 0, pushed.output);

    // The app runs: the overview and app page say so.
    await page.goto(`${berth.url}/?q=${app}`);
    assert.equal((await page.textContent(`tr[data-app="${app}"] .status`))!.trim(), 'running');
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'dashboard-app v1');

    // Set a config var on the Config tab; its value stays masked until revealed.
    await page.goto(`${berth.url}/apps/${app}/config`);
    await page.fill('#cv-key', 'GREETING');
    await page.fill('#cv-value', 'hello from the dashboard');
    await submit(page, 'form:has(#cv-key) button[type=submit]');
    assert.equal(new URL(page.url()).pathname, `/apps/${app}/config`, 'the form leads back to its tab');
    assert.equal((await waitBuildEnd(page)).status, 'succeeded');
    await page.goto(`${berth.url}/apps/${app}/config`);
    const valueInput = page.locator('tr[data-key="GREETING"] input[name=value]');
    assert.equal(await valueInput.isVisible(), false, 'masked');
    await page.click('tr[data-key="GREETING"] summary');
    assert.equal(await valueInput.inputValue(), 'hello from the dashboard');
    assert.equal(await valueInput.isVisible(), true, 'revealed');
    assert.equal((await berth.api('GET', `/api/v1/apps/${app}/config`)).json.config.GREETING, 'hello from the dashboard');

    // Scale web to 2 on the Overview tab.
    await page.goto(`${berth.url}/apps/${app}`);
    await page.fill('#scale-web', '2');
    await submit(page, 'form[action$="/scale"] button[type=submit]');
    assert.equal((await waitBuildEnd(page)).status, 'succeeded');
    await page.goto(`${berth.url}/apps/${app}`);
    assert.equal((await page.textContent('tr[data-process="web"] [data-running]'))!.trim(), '2');

    // Runtime logs (the Logs tab) stream into the open page: a line the app prints on request shows up live.
    await page.goto(`${berth.url}/apps/${app}/logs`);
    const word = `hello-${crypto.randomBytes(3).toString('hex')}`;
    await page.waitForSelector('[data-log-controls]:not([hidden])');
    await berth.viaRouter(`${app}.localhost`, `/cgi-bin/say?${word}`);
    await page.locator('#runtime-log', { hasText: `said: ${word}` }).waitFor({ timeout: 60_000 });
    // Pause holds new lines back; resume shows them.
    await page.click('[data-log-pause]');
    const held = `held-${crypto.randomBytes(3).toString('hex')}`;
    await berth.viaRouter(`${app}.localhost`, `/cgi-bin/say?${held}`);
    // The line reaches the page and is held (the pause button counts it and keeps it in data-held), not shown.
    await page.locator(`[data-log-pause][data-held*="said: ${held}"]`).waitFor({ timeout: 60_000 });
    assert.match((await page.textContent('[data-log-pause]'))!, /^Resume \(\d+ new\)$/);
    assert.doesNotMatch((await page.textContent('#runtime-log'))!, new RegExp(held), 'paused');
    await page.click('[data-log-pause]');
    await page.locator('#runtime-log', { hasText: `said: ${held}` }).waitFor({ timeout: 60_000 });

    // Roll back to v1 (v1 had no GREETING) from the Deploys tab: a confirmation page says what goes, then the
    // config panel shows v1's config (Heroku's rule: the rollback releases v1's code and config).
    await page.goto(`${berth.url}/apps/${app}/deploys`);
    await submit(page, 'a[aria-label="Roll back to v1"]');
    assert.match((await page.textContent('[data-rollback-plan="1"]'))!, /GREETING\s+is removed \(v1 did not have it\)/);
    await submit(page, '[data-rollback-plan="1"] button[type=submit]');
    assert.equal((await waitBuildEnd(page)).status, 'succeeded');
    await page.goto(`${berth.url}/apps/${app}/deploys`);
    assert.match((await page.textContent('h2#h-releases + .table-wrap tbody tr:first-child'))!, /^\s*v\d+ current\s+rollback to v1 /);
    await page.goto(`${berth.url}/apps/${app}/config`);
    await page.locator('#h-config').waitFor();
    assert.equal(await page.locator('tr[data-key="GREETING"]').count(), 0, 'the config panel shows v1\'s config');
    assert.deepEqual((await berth.api('GET', `/api/v1/apps/${app}/config`)).json.config, {});

    // A second app for company on the overview (the README's screenshots).
    await page.goto(`${berth.url}/`);
    await page.fill('#new-app-name', uniqueName('api'));
    await submit(page, 'text=Create app');

  });

  it('pages follow a push from the CLI and a crash loop live, without a reload', async () => {
    // The app page's Deploys tab: a push started elsewhere shows in the builds list, the header and the releases.
    await page.goto(`${berth.url}/apps/${app}/deploys`);
    await page.waitForSelector('body[data-live-seen]');
    await page.evaluate(() => { (globalThis as unknown as { berthNoReload: boolean }).berthNoReload = true; });
    const before = (await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases[0].version as number;
    const wt = trees[0];
    wt.write('www/index.html', 'dashboard-app live\n');
    wt.commitAll('live push');
    const pushing = pushAsync(wt, berth.url, berth.token, app);
    const build = await eventually(async () => {
      const b = (await berth.api('GET', `/api/v1/apps/${app}/builds`)).json?.builds?.[0];
      return b && b.kind === 'push' && b.source === wt.git(['rev-parse', 'HEAD']).output.trim() ? b : null;
    });
    await page.locator(`[data-live="builds"] a[href="/apps/${app}/builds/${build.id}"]`).waitFor({ timeout: 120_000 });
    const pushed = await pushing;
    assert.equal(pushed.code, 0, pushed.output);
    await page.locator(`[data-live="releases"] tbody tr:first-child`, { hasText: `v${before + 1} current` }).waitFor({ timeout: 60_000 });
    await page.locator('[data-live="head"] h1 [data-status="running"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.evaluate(() => (globalThis as unknown as { berthNoReload?: boolean }).berthNoReload), true, 'the page was not reloaded');

    // The overview: an app that starts crash-looping turns red in its row.
    const crashing = uniqueName('crash');
    apps.push(crashing);
    await page.goto(`${berth.url}/`);
    await page.waitForSelector('body[data-live-seen]');
    await page.evaluate(() => { (globalThis as unknown as { berthNoReload: boolean }).berthNoReload = true; });
    const crashTree = WorkTree.fromFixture('dockerfile-app');
    trees.push(crashTree);
    crashTree.write('start.sh', '#!/bin/sh\nhttpd -p "${PORT:-5000}" -h /www\nsleep 4\necho "boom" >&2\nexit 3\n');
    crashTree.commitAll('crash loop');
    const crashPush = await pushAsync(crashTree, berth.url, berth.token, crashing);
    assert.equal(crashPush.code, 0, crashPush.output);
    // New rows come live too: the crash app was created by this push after the page loaded.
    await page.locator(`tr[data-app="${crashing}"] .status-crashing[data-status="crashing"]`).waitFor({ timeout: 90_000 });
    assert.equal((await berth.api('GET', `/api/v1/apps/${crashing}/ps`)).json.report.status, 'crashing');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { berthNoReload?: boolean }).berthNoReload), true, 'the page was not reloaded');
  });

  it('links a postgres service to the app from its page, then unlinks it', async function () {
    // The plugin's own image script (a no-op when the image is there): no dependence on test order.
    ensureServiceImage(path.join(ROOT, 'plugins', 'postgres'));
    const db = uniqueName('db');
    services.push(db);
    const created = berth.cli(['postgres:create', db]);
    assert.equal(created.code, 0, created.stderr);
    await page.goto(`${berth.url}/apps/${app}/services`);
    // The service is picked from the existing ones, each with the env var it brings.
    assert.equal((await page.textContent(`#link-service option[value="postgres/${db}"]`))!.trim(), `postgres ${db} → DATABASE_URL`);
    await page.selectOption('#link-service', `postgres/${db}`);
    await submit(page, 'form[action$="/services/link"] button[type=submit]');
    assert.equal((await waitBuildEnd(page)).status, 'succeeded');
    await page.goto(`${berth.url}/apps/${app}/services`);
    assert.match((await page.textContent('#h-services + ul'))!, new RegExp(`postgres\\s+${db}\\s+gives the app\\s+DATABASE_URL`));
    // The env var's value, the URL the app's containers get, shows when revealed.
    const value = page.locator(`li[data-linked="postgres/${db}"] [data-env-value]`);
    assert.equal(await value.isVisible(), false, 'masked');
    await page.click(`li[data-linked="postgres/${db}"] summary`);
    assert.equal(await value.textContent(), (await berth.api('GET', `/api/v1/services/postgres/${db}`)).json.service.url);
    assert.match((await value.textContent())!, /^postgres:\/\/[^:@]+:[^@]{8,}@/, 'with its password');
    // Unlinking asks first and says what it does.
    await submit(page, `a[aria-label="Unlink postgres ${db}"]`);
    assert.deepEqual(await page.locator('[data-confirm] [data-effect]').allTextContents(),
      [`${app} re-releases without DATABASE_URL.`, `The postgres service ${db} and its data stay.`]);
    await submit(page, '[data-confirm] button[type=submit]');
    assert.equal((await waitBuildEnd(page)).status, 'succeeded');
    await page.goto(`${berth.url}/apps/${app}/services`);
    assert.match((await page.textContent('#h-services + ul'))!, /No linked services/);
  });

  it('fits a phone-sized screen without sideways scrolling: overview, every tab of the app page, every page of the menu', async () => {
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    const widths: Record<string, number> = {};
    const wide: Record<string, string[]> = {};
    const menu = ['/events', '/nodes', '/services', '/plugins', '/users', '/tokens', '/ssh-keys'];
    for (const p of ['/', ...APP_TABS.map((t) => `/apps/${app}${t.path}`), `/apps/${app}/collaborators`, ...menu, '/apps/no-such-app']) {
      await phone.goto(`${berth.url}${p}`);
      widths[p] = await phone.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
      // Which elements stick out, named, so a failure says what to fix (the innermost ones first).
      if (widths[p] > 390) wide[p] = await phone.evaluate(WIDEST);
    }
    assert.deepEqual(Object.entries(widths).filter(([, w]) => w > 390), [], `pages wider than the phone: ${JSON.stringify(wide)}`);
    // The README's screenshots: the overview and app page tabs on a laptop, the app page on a phone.
    await phone.goto(`${berth.url}/apps/${app}`);
    await phone.screenshot({ path: path.join(SHOTS, 'dashboard-phone.png'), fullPage: false });
    await phone.close();
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const [p, file] of [['/', 'dashboard-overview'], [`/apps/${app}`, 'dashboard-app'], [`/apps/${app}/deploys`, 'dashboard-deploys'], [`/apps/${app}/config`, 'dashboard-config'], ['/services', 'dashboard-services']]) {
      await page.goto(`${berth.url}${p}`);
      await page.screenshot({ path: path.join(SHOTS, `${file}.png`), fullPage: true });
    }
  });

  it('destroys the app on its Settings tab after the name is repeated', async () => {
    await page.goto(`${berth.url}/apps/${app}/settings`);
    await page.fill('#confirm', 'not-the-name');
    await submit(page, 'text=Destroy app');
    assert.match((await page.textContent('.flash-error'))!, /repeat the app name/);
    await page.fill('#confirm', app);
    await submit(page, 'text=Destroy app');
    assert.equal(new URL(page.url()).pathname, '/');
    assert.match((await page.textContent('.flash-ok'))!, new RegExp(`Destroyed ${app}`));
    assert.equal((await berth.api('GET', `/api/v1/apps/${app}`)).status, 404);
  });
});

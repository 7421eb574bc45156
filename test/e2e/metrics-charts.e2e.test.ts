import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import path from 'node:path';
import { ROOT, uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { launchBrowser, removeImages, requireChromium } from './support/browser';

const PASSWORD = 'e2e metrics password';

/** What uPlot drew for one chart: the axis labels and tick values it recorded, and whether its canvas has ink. */
async function chartOf(page: Page, name: string) {
  return page.$eval(`[data-chart="${name}"]`, (box) => {
    const canvas = box.querySelector('canvas');
    let ink = 0;
    if (canvas) {
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) ink++;
    }
    return {
      xLabel: box.getAttribute('data-x-label'), yLabel: box.getAttribute('data-y-label'),
      xTicks: (box.getAttribute('data-x-ticks') ?? '').split('|').filter(Boolean), yTicks: (box.getAttribute('data-y-ticks') ?? '').split('|').filter(Boolean),
      ink, legend: [...box.querySelectorAll('.u-legend .u-series th, .u-legend .u-series .u-label')].map((e) => e.textContent?.trim()).filter(Boolean),
    };
  });
}

describe('metrics charts in a real browser (chromium)', function () {
  this.timeout(300_000);
  const app = uniqueName('e2em');
  let wt: WorkTree | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  after(async () => {
    await browser?.close();
    wt?.remove();
    removeImages(app);
  });
  const berth = useBerth({ BERTH_ADMIN_PASSWORD: PASSWORD, BERTH_STATS_INTERVAL: '1' }, { setUp: () => { requireChromium(); } });

  it('draws CPU, memory, requests and latency with labelled axes after a short wrk load', async () => {
    wt = WorkTree.fromFixture('dockerfile-app');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    const out = execFileSync('wrk', ['-t1', '-c4', '-d2s', '-H', `Host: ${app}.localhost`, `http://127.0.0.1:${berth.routerPort}/`], { encoding: 'utf8', timeout: 60_000 });
    const loaded = Number(/(\d+) requests in/.exec(out)?.[1]);
    assert.ok(loaded > 0, out);
    // The history has the load (and a few samples of the container) before the page is opened.
    for (;;) {
      const h = (await berth.api('GET', `/api/v1/apps/${app}/metrics`)).json;
      const samples = h.processes[0]?.cpu.filter((v: number | null) => v !== null).length ?? 0;
      if (h.requests.total.s2xx >= loaded && samples >= 2) break;
      await new Promise((r) => setTimeout(r, 500));
    }

    browser = await launchBrowser();
    const page = browser.page;
    await page.goto(`${berth.url}/login`);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
    await page.goto(`${berth.url}/apps/${app}/metrics`);
    await page.waitForSelector('[data-metrics][data-charts-drawn]', { timeout: 30_000 });
    await page.waitForSelector('[data-chart="requests"][data-drawn]', { timeout: 10_000 });
    assert.equal(await page.getAttribute('[data-metrics]', 'data-charts-failed'), null);

    const requests = await chartOf(page, 'requests');
    assert.equal(requests.yLabel, 'Requests/s');
    assert.equal(requests.xLabel, 'Time (1h)');
    assert.ok(requests.xTicks.length >= 2 && requests.xTicks.every((t: string) => /^\d\d:\d\d$/.test(t)), requests.xTicks.join(' '));
    assert.ok(requests.yTicks.length >= 2 && requests.yTicks.every((t: string) => /^\d+(\.\d{1,2})?\/s$/.test(t)), requests.yTicks.join(' '));
    assert.ok(requests.ink > 0, 'the canvas is drawn on');
    for (const [name, label, tick] of [['cpu', 'CPU (% of one CPU)', /^\d+\.\d%$/], ['memory', 'Memory (MiB)', /^\d+(\.\d)? MiB$/], ['latency', 'Latency (ms)', /^\d+\.\d ms$/]] as const) {
      const c = await chartOf(page, name);
      assert.equal(c.yLabel, label, name);
      assert.ok(c.yTicks.length >= 2 && c.yTicks.every((t: string) => tick.test(t)), `${name}: ${c.yTicks.join(' ')}`);
      assert.ok(c.ink > 0, `${name} is drawn`);
    }
    // The memory chart's scale reaches the limit line (512 MiB, berth's default), drawn dashed.
    assert.ok(Number(await page.getAttribute('[data-chart="memory"]', 'data-y-max')) >= 512);
    // The values printed beside the charts.
    assert.match((await page.textContent('[data-status-split]'))!, new RegExp(`^\\d+ / 0 / 0 / 0$`));
    assert.ok(Number(await page.getAttribute('[data-requests]', 'data-requests')) >= loaded);
    await page.screenshot({ path: path.join(ROOT, 'docs/screenshots/dashboard-metrics.png'), fullPage: true });
  });
});

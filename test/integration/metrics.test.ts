import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { waitFor } from '../support/poll';
import { WorkTree } from '../support/git-client';
import { parsePrometheusText, sampleValue, type PromFamily } from '../support/prom-text';

describe('GET /metrics: Prometheus, behind an admin\'s or a metrics token', function () {
  this.timeout(300_000);
  const app = uniqueName('prom');
  let wt: WorkTree;
  let metricsToken = '';
  let devToken = '';
  after(() => {
    wt?.remove();
    const images = spawnSync('docker', ['images', '-q', `berth/${app}`], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
    if (images.length) spawnSync('docker', ['rmi', '-f', ...images]);
  });
  // Samples every second, so the pushed app's container has one soon.
  const berth = useBerth({ BERTH_STATS_INTERVAL: '1' });
  before(async () => {
    wt = WorkTree.fromFixture('oneoff-app');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    const made = berth.cli(['tokens:create', 'prometheus', '--scope', 'metrics', '--json']);
    assert.equal(made.code, 0, made.stderr);
    metricsToken = JSON.parse(made.stdout).token;
    const dev = await berth.api('POST', '/api/v1/users', { name: uniqueName('dev').replace('-', ''), role: 'developer' });
    assert.equal(dev.status, 201, dev.text);
    devToken = dev.json.token;
  });

  const scrape = (token: string | null) => berth.api('GET', '/metrics', undefined, token);

  it('shows the app\'s containers, restarts and its build, in the strict text format', async () => {
    const web = { app, process: 'web', container: '' };
    const scraped = await waitFor('a memory sample of the app\'s web container', async (): Promise<Map<string, PromFamily> | null> => {
      const res = await scrape(metricsToken);
      assert.equal(res.status, 200, res.text);
      const f = parsePrometheusText(res.text);
      const memory = f.get('berth_container_memory_bytes')?.samples.find((s) => s.labels.app === app);
      if (!memory) return null;
      web.container = memory.labels.container;
      return memory.value > 0 ? f : null;
    }, 60_000);
    const families = scraped!;
    assert.match(web.container, new RegExp(`^berth\\.${app}\\.web\\.1\\.`));
    assert.equal(sampleValue(families, 'berth_container_restarts_total', web), 0);
    assert.equal(sampleValue(families, 'berth_process_running', { app, process: 'web' }), 1);
    assert.equal(sampleValue(families, 'berth_app_release', { app }), 1);
    assert.equal(sampleValue(families, 'berth_build_duration_seconds_count', { app, kind: 'push', status: 'succeeded' }), 1);
    assert.equal(sampleValue(families, 'berth_build_queue_depth', {}), 0);
  });

  it('shows the app\'s requests through the router after a few real requests', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await berth.viaRouter(`${app}.localhost`)).status, 200);
    assert.equal((await berth.viaRouter(`${app}.localhost`, '/no-such-page')).status, 404);
    const families = (await waitFor('the requests in /metrics', async () => {
      const f = parsePrometheusText((await scrape(metricsToken)).text);
      return (sampleValue(f, 'berth_app_requests_last_hour', { app, class: 'all' }) ?? 0) >= 6 ? f : null;
    }, 60_000))!;
    assert.equal(sampleValue(families, 'berth_app_requests_last_hour', { app, class: 'all' }), 6);
    assert.equal(sampleValue(families, 'berth_app_requests_last_hour', { app, class: '2xx' }), 5);
    assert.equal(sampleValue(families, 'berth_app_requests_last_hour', { app, class: '4xx' }), 1);
    assert.equal(sampleValue(families, 'berth_app_requests_last_hour', { app, class: '5xx' }), 0);
    assert.ok((sampleValue(families, 'berth_app_request_latency_seconds_last_hour', { app, quantile: '0.95' }) ?? -1) >= 0);
  });

  it('an admin\'s API token scrapes too', async () => {
    const res = await scrape(berth.token);
    assert.equal(res.status, 200, res.text);
    assert.ok(parsePrometheusText(res.text).has('berth_app_status'));
  });

  it('refuses anonymous (401), a developer (403); a metrics token opens nothing else (401), and only admins make one', async () => {
    const anonymous = await scrape(null);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json.error.code, 'UNAUTHENTICATED');
    const wrong = await scrape('berth_not-a-token');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error.code, 'UNAUTHENTICATED');
    const dev = await scrape(devToken);
    assert.equal(dev.status, 403);
    assert.equal(dev.json.error.code, 'FORBIDDEN');
    for (const path of ['/api/v1/apps', `/api/v1/apps/${app}/config`, '/api/v1/tokens']) {
      const res = await berth.api('GET', path, undefined, metricsToken);
      assert.equal(res.status, 401, `${path}: ${res.text}`);
      assert.equal(res.json.error.code, 'UNAUTHENTICATED');
    }
    const devMade = await berth.api('POST', '/api/v1/tokens', { name: 'mine', scope: 'metrics' }, devToken);
    assert.equal(devMade.status, 403, devMade.text);
    assert.equal(devMade.json.error.code, 'FORBIDDEN');
    const badScope = await berth.api('POST', '/api/v1/tokens', { name: 'odd', scope: 'everything' });
    assert.equal(badScope.status, 400, badScope.text);
    assert.equal(badScope.json.error.code, 'INVALID_INPUT');
    const listed = berth.cli(['tokens:list']);
    assert.match(listed.stdout, /^prometheus\s+\S+\s+never\s+metrics$/m);
  });
});

import assert from 'node:assert/strict';
import { prometheusText, collectMetrics, type MetricsSources } from '../../../app/metrics';
import { parsePrometheusText, sampleValue } from '../../support/prom-text';

const sources = (over: Partial<MetricsSources> = {}): MetricsSources => ({
  appNames: () => ['shop', 'gone'],
  report: async (app) => {
    if (app === 'gone') throw new Error('destroyed meanwhile');
    return {
      app, scheduler: 'docker-local', status: 'running', release: 3,
      processes: [{ type: 'web', desired: 2, running: 2, containers: [
        { name: 'berth.shop.web.1.ab', id: 'aaaaaaaaaaaa', state: 'running', release: 3, startedAt: null, ip: null, restarts: 4, exitCode: null },
        { name: 'berth.shop.web.2.ab', id: 'bbbbbbbbbbbb', state: 'running', release: 3, startedAt: null, ip: null, restarts: 0, exitCode: null },
      ] }],
    } as never;
  },
  containers: async () => [{ id: 'a'.repeat(64), name: '/berth.shop.web.1.ab', labels: {}, state: 'running' } as never],
  samplesOf: (id) => (id === 'a'.repeat(64) ? [{ at: 1, cpuPercent: 1, memoryBytes: 1, memoryLimitBytes: 1 }, { at: 2, cpuPercent: 12.5, memoryBytes: 4096, memoryLimitBytes: 536870912 }] : []),
  builds: () => ({ finished: [{ app: 'shop', kind: 'push', status: 'succeeded', seconds: 42 }, { app: 'shop', kind: 'push', status: 'succeeded', seconds: 7 }, { app: 'shop', kind: 'push', status: 'failed', seconds: 3 }], queued: 2, running: 1 }),
  ...over,
});

describe('metrics: the Prometheus exposition', () => {
  it('shows processes, containers (latest sample), restarts, build durations and the queue, and parses strictly', async () => {
    const { body, contentType } = await prometheusText(await collectMetrics(sources()));
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    const f = parsePrometheusText(body);
    const c1 = { app: 'shop', process: 'web', container: 'berth.shop.web.1.ab' };
    assert.equal(sampleValue(f, 'berth_container_cpu_percent', c1), 12.5);
    assert.equal(sampleValue(f, 'berth_container_memory_bytes', c1), 4096);
    assert.equal(sampleValue(f, 'berth_container_memory_limit_bytes', c1), 536870912);
    assert.equal(sampleValue(f, 'berth_container_restarts_total', c1), 4);
    assert.equal(sampleValue(f, 'berth_container_restarts_total', { ...c1, container: 'berth.shop.web.2.ab' }), 0);
    assert.equal(sampleValue(f, 'berth_container_cpu_percent', { ...c1, container: 'berth.shop.web.2.ab' }), undefined, 'no sample: no value, not 0');
    assert.equal(sampleValue(f, 'berth_process_desired', { app: 'shop', process: 'web' }), 2);
    assert.equal(sampleValue(f, 'berth_app_status', { app: 'shop', status: 'running' }), 1);
    assert.equal(sampleValue(f, 'berth_app_release', { app: 'shop' }), 3);
    assert.equal(sampleValue(f, 'berth_app_release', { app: 'gone' }), undefined);
    const ok = { app: 'shop', kind: 'push', status: 'succeeded' };
    assert.equal(sampleValue(f, 'berth_build_duration_seconds_count', ok), 2);
    assert.equal(sampleValue(f, 'berth_build_duration_seconds_sum', ok), 49);
    assert.equal(sampleValue(f, 'berth_build_duration_seconds_bucket', { ...ok, le: '10' }), 1);
    assert.equal(sampleValue(f, 'berth_build_duration_seconds_bucket', { ...ok, le: '60' }), 2);
    assert.equal(sampleValue(f, 'berth_build_duration_seconds_count', { ...ok, status: 'failed' }), 1);
    assert.equal(sampleValue(f, 'berth_build_queue_depth', {}), 2);
    assert.equal(sampleValue(f, 'berth_builds_running', {}), 1);
    assert.equal(f.get('berth_container_restarts_total')?.type, 'counter');
  });

  it('shows the router\'s requests of the last hour by class, and its latency quantiles in seconds', async () => {
    const f = parsePrometheusText((await prometheusText(await collectMetrics(sources({ requests: (app) => (app === 'shop' ? { requests: 7, s2xx: 5, s3xx: 0, s4xx: 1, s5xx: 1, p50: 12, p95: 250 } : null) })))).body);
    assert.equal(sampleValue(f, 'berth_app_requests_last_hour', { app: 'shop', class: 'all' }), 7);
    assert.equal(sampleValue(f, 'berth_app_requests_last_hour', { app: 'shop', class: '5xx' }), 1);
    assert.equal(sampleValue(f, 'berth_app_request_latency_seconds_last_hour', { app: 'shop', quantile: '0.95' }), 0.25);
  });

  it('label values with quotes, backslashes and newlines are escaped', async () => {
    const body = (await prometheusText({ apps: [], processTypes: [], containers: [], builds: { finished: [{ app: 'a', kind: 'we"ird\\\n', status: 'failed', seconds: 1 }], queued: 0, running: 0 } })).body;
    assert.equal(sampleValue(parsePrometheusText(body), 'berth_build_duration_seconds_count', { app: 'a', kind: 'we"ird\\\n', status: 'failed' }), 1);
  });
});

describe('the strict Prometheus text parser (test/support/prom-text.ts)', () => {
  const good = '# HELP x_total X.\n# TYPE x_total counter\nx_total{a="1"} 3\n';
  it('reads a good exposition', () => {
    assert.equal(sampleValue(parsePrometheusText(good), 'x_total', { a: '1' }), 3);
  });
  for (const [what, text, error] of [
    ['no final newline', good.trimEnd(), /newline/],
    ['a bad value', '# TYPE g gauge\ng 1,5\n', /not a number/],
    ['an unquoted label', '# TYPE g gauge\ng{a=1} 1\n', /not quoted/],
    ['a bad escape', '# TYPE g gauge\ng{a="\\t"} 1\n', /bad escape/],
    ['a series twice', '# TYPE g gauge\ng{a="1"} 1\ng{a="1"} 2\n', /twice/],
    ['a negative counter', '# TYPE c counter\nc -1\n', /counter c is -1/],
    ['TYPE after samples', 'g 1\n# TYPE g gauge\n', /after its samples/],
    ['samples apart', '# TYPE g gauge\ng{a="1"} 1\n# TYPE h gauge\nh 1\ng{a="2"} 1\n', /not together/],
    ['buckets not cumulative', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n', /cumulative/],
    ['+Inf bucket apart from _count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n', /\+Inf bucket 2 is not _count 1/],
    ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n', /no \+Inf/],
  ] as const) {
    it(`refuses ${what}`, () => { assert.throws(() => parsePrometheusText(text), error); });
  }
});

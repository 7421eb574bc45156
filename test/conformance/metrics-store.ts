import assert from 'node:assert/strict';
import type { MetricsStore, ProcessBucket, RequestBucket } from '../../app/ports/metrics-store';

export interface OpenedMetricsStore {
  readonly metrics: MetricsStore;
  /** The apps the store knows: made, renamed and removed as berth's apps table does. */
  addApp(name: string): void;
  renameApp(from: string, to: string): void;
  removeApp(name: string): void;
  close(): void;
}

/**
 * What the metrics history's tables promise the metrics module (app/ports/metrics-store.ts), run
 * against SQLite (infra/sqlite, a fresh database file) and the unit tests' InMemoryMetricsStore in
 * test/unit/conformance/metrics-store.test.ts (SQLite runs in-process, so both run there): later
 * samples sum into a bucket, reads are one tier from a time on, oldest first, prune goes by tier
 * and age, buckets go with their app, and the request log's cursor is kept.
 */
export function metricsStoreConformance(name: string, open: () => OpenedMetricsStore): void {
  describe(`metrics store conformance: ${name}`, () => {
    let o: OpenedMetricsStore;
    beforeEach(() => { o = open(); o.addApp('shop'); o.addApp('blog'); });
    afterEach(() => o?.close());

    const proc = (p: Partial<ProcessBucket>): ProcessBucket => ({
      app: 'shop', process: 'web', step: 60, at: 600, samples: 1, cpuSum: 10, memorySum: 100, memoryMax: 100, memoryLimit: 512, restarts: 0, containers: 1, ...p,
    });
    const reqs = (r: Partial<RequestBucket>): RequestBucket => ({
      app: 'shop', step: 60, at: 600, requests: 3, s2xx: 2, s3xx: 0, s4xx: 1, s5xx: 0, latency: { 4: 2, 7: 1 }, ...r,
    });

    it('a process bucket added to one of the same key sums into it: samples, CPU, memory and restarts add, the maximum stays, limit and containers are the latest', () => {
      o.metrics.addProcessBuckets([proc({})]);
      o.metrics.addProcessBuckets([proc({ samples: 2, cpuSum: 30, memorySum: 500, memoryMax: 300, memoryLimit: null, restarts: 2, containers: 2 })]);
      o.metrics.addProcessBuckets([proc({ memoryMax: 50, memorySum: 50, memoryLimit: 1024, containers: 3 })]);
      assert.deepEqual(o.metrics.processBuckets('shop', 60, 0), [proc({ samples: 4, cpuSum: 50, memorySum: 650, memoryMax: 300, memoryLimit: 1024, restarts: 2, containers: 3 })]);
    });

    it('a request bucket sums its counts and merges the latency histograms bin by bin', () => {
      o.metrics.addRequestBuckets([reqs({})]);
      o.metrics.addRequestBuckets([reqs({ requests: 5, s2xx: 1, s3xx: 1, s4xx: 0, s5xx: 3, latency: { 7: 4, 9: 1 } })]);
      assert.deepEqual(o.metrics.requestBuckets('shop', 60, 0), [reqs({ requests: 8, s2xx: 3, s3xx: 1, s4xx: 1, s5xx: 3, latency: { 4: 2, 7: 5, 9: 1 } })]);
    });

    it('reads one app\'s buckets of one tier from `since` on, oldest first (process types in name order within a bucket)', () => {
      o.metrics.addProcessBuckets([
        proc({ at: 720, process: 'worker' }), proc({ at: 720 }), proc({ at: 540 }), proc({ at: 660 }),
        proc({ step: 600, at: 600 }), proc({ app: 'blog', at: 660 }),
      ]);
      o.metrics.addRequestBuckets([reqs({ at: 720 }), reqs({ at: 600 }), reqs({ at: 540 }), reqs({ step: 600, at: 600 }), reqs({ app: 'blog', at: 660 })]);
      assert.deepEqual(o.metrics.processBuckets('shop', 60, 600).map((b) => [b.at, b.process]), [[660, 'web'], [720, 'web'], [720, 'worker']]);
      assert.deepEqual(o.metrics.requestBuckets('shop', 60, 600).map((b) => b.at), [600, 720]);
      assert.deepEqual(o.metrics.processBuckets('shop', 600, 0).map((b) => b.at), [600]);
      assert.deepEqual(o.metrics.requestBuckets('nobody', 60, 0), []);
    });

    it('prune removes the tier\'s buckets older than `before`, both kinds, and says how many went; other tiers stay', () => {
      o.metrics.addProcessBuckets([proc({ at: 540 }), proc({ at: 600 }), proc({ step: 600, at: 0 })]);
      o.metrics.addRequestBuckets([reqs({ at: 480 }), reqs({ at: 660 })]);
      assert.equal(o.metrics.prune(60, 600), 2);
      assert.deepEqual(o.metrics.processBuckets('shop', 60, 0).map((b) => b.at), [600]);
      assert.deepEqual(o.metrics.requestBuckets('shop', 60, 0).map((b) => b.at), [660]);
      assert.deepEqual(o.metrics.processBuckets('shop', 600, 0).map((b) => b.at), [0]);
      assert.equal(o.metrics.prune(60, 600), 0);
    });

    it('buckets of an app that does not exist are dropped; an app\'s buckets follow its rename and go with it', () => {
      o.metrics.addProcessBuckets([proc({ app: 'gone' }), proc({})]);
      o.metrics.addRequestBuckets([reqs({ app: 'gone' }), reqs({})]);
      assert.deepEqual(o.metrics.processBuckets('gone', 60, 0), []);
      assert.deepEqual(o.metrics.requestBuckets('gone', 60, 0), []);
      o.renameApp('shop', 'store');
      assert.deepEqual(o.metrics.processBuckets('shop', 60, 0), []);
      assert.deepEqual(o.metrics.processBuckets('store', 60, 0), [proc({ app: 'store' })]);
      assert.deepEqual(o.metrics.requestBuckets('store', 60, 0), [reqs({ app: 'store' })]);
      o.removeApp('store');
      assert.deepEqual(o.metrics.processBuckets('store', 60, 0), []);
      assert.deepEqual(o.metrics.requestBuckets('store', 60, 0), []);
    });

    it('keeps the request log\'s cursor by name: null before, the latest after each set', () => {
      assert.equal(o.metrics.cursor('router-requests'), null);
      o.metrics.setCursor('router-requests', '2049:77', 4096);
      o.metrics.setCursor('router-requests', '2049:78', 10);
      o.metrics.setCursor('other', 'x', 1);
      assert.deepEqual(o.metrics.cursor('router-requests'), { identity: '2049:78', position: 10 });
    });
  });
}

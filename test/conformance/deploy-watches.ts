import assert from 'node:assert/strict';
import type { DeployWatchRecord, DeployWatchesStore } from '../../app/ports/deploy-watches';

export interface OpenedDeployWatches {
  readonly watches: DeployWatchesStore;
  /** The apps the store knows: made, renamed and removed as berth's apps table does. */
  addApp(name: string): void;
  renameApp(from: string, to: string): void;
  removeApp(name: string): void;
  close(): void;
}

/**
 * What the deploy watches' table promises the deploy watch (app/ports/deploy-watches.ts), run
 * against SQLite (infra/sqlite, a fresh database file) and the unit tests' InMemoryDeployWatches,
 * both in test/unit/conformance/deploy-watches.test.ts. Above all `finish`: the one check-and-set
 * that keeps two passes (or two processes) from acting on one breach twice.
 */
export function deployWatchesConformance(name: string, open: () => OpenedDeployWatches): void {
  describe(`deploy watches conformance: ${name}`, () => {
    let o: OpenedDeployWatches;
    beforeEach(() => { o = open(); o.addApp('shop'); o.addApp('blog'); });
    afterEach(() => o?.close());

    const start = (app: string, version: number, startedAt = `2026-12-08T00:0${version}:00.000Z`) => {
      o.watches.put({ app, version, previous: version > 1 ? version - 1 : null, action: 'rollback', startedAt, endsAt: `${startedAt}+5m` });
    };
    const watching = (app: string, version: number, startedAt = `2026-12-08T00:0${version}:00.000Z`): DeployWatchRecord => ({
      app, version, previous: version > 1 ? version - 1 : null, action: 'rollback', startedAt, endsAt: `${startedAt}+5m`, status: 'watching', reason: null, updatedAt: startedAt,
    });

    it('put starts a watch, read back whole; an unknown one reads null', () => {
      start('shop', 2);
      assert.deepEqual(o.watches.get('shop', 2), watching('shop', 2));
      assert.equal(o.watches.get('shop', 3), null);
      assert.equal(o.watches.get('blog', 2), null);
    });

    it('finish moves a watch from watching exactly once: the first call wins, later ones (and unknown watches) answer false', () => {
      start('shop', 2);
      assert.equal(o.watches.finish('shop', 2, 'rolled-back', 'crash loop', 'T1'), true);
      assert.equal(o.watches.finish('shop', 2, 'passed', null, 'T2'), false);
      assert.equal(o.watches.finish('shop', 9, 'passed', null, 'T2'), false);
      assert.deepEqual(o.watches.get('shop', 2), { ...watching('shop', 2), status: 'rolled-back', reason: 'crash loop', updatedAt: 'T1' });
    });

    it('amend corrects how a finished watch ended; put again restarts it as watching', () => {
      start('shop', 2);
      o.watches.finish('shop', 2, 'rolled-back', 'crash loop', 'T1');
      o.watches.amend('shop', 2, 'alerted', 'crash loop; the rollback could not be queued', 'T2');
      assert.deepEqual(o.watches.get('shop', 2), { ...watching('shop', 2), status: 'alerted', reason: 'crash loop; the rollback could not be queued', updatedAt: 'T2' });
      start('shop', 2, '2026-12-08T01:00:00.000Z');
      assert.deepEqual(o.watches.get('shop', 2), watching('shop', 2, '2026-12-08T01:00:00.000Z'));
      assert.equal(o.watches.finish('shop', 2, 'passed', null, 'T3'), true, 'a restarted watch can finish again');
    });

    it('active lists every watch still watching, oldest start first (then by app); list is one app\'s, newest release first, limited', () => {
      start('shop', 3, '2026-12-08T00:05:00.000Z');
      start('blog', 1, '2026-12-08T00:05:00.000Z');
      start('shop', 1);
      start('shop', 2);
      o.watches.finish('shop', 1, 'replaced', null, 'T');
      assert.deepEqual(o.watches.active().map((w) => `${w.app} v${w.version}`), ['shop v2', 'blog v1', 'shop v3']);
      assert.deepEqual(o.watches.list('shop', 2).map((w) => w.version), [3, 2]);
      assert.deepEqual(o.watches.list('shop', 10).map((w) => w.version), [3, 2, 1]);
      assert.deepEqual(o.watches.list('nobody', 10), []);
    });

    it('a watch of a missing app is refused; an app\'s watches follow its rename and go with it', () => {
      assert.throws(() => start('gone', 1), /FOREIGN KEY/);
      start('shop', 1);
      o.renameApp('shop', 'store');
      assert.equal(o.watches.get('shop', 1), null);
      assert.deepEqual(o.watches.get('store', 1), watching('store', 1));
      o.removeApp('store');
      assert.deepEqual(o.watches.list('store', 10), []);
      assert.deepEqual(o.watches.active(), []);
    });
  });
}

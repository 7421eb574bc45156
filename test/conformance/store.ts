import assert from 'node:assert/strict';
import { EMPTY_MANIFEST } from '../../app/manifest';
import type { ReleaseRecord } from '../../app/ports/store';
import type { CoreTables } from '../support/fakes/store';

export interface OpenedStore {
  readonly store: CoreTables;
  close(): void;
}

/**
 * What the store's core tables promise the modules that own them (app/ports/store.ts), run against
 * SQLite (infra/sqlite, a fresh database file) and the unit tests' InMemoryStore
 * (test/unit/conformance/store.test.ts). The semantics the services lean on: release numbers,
 * the live mark, a merged formation, rows that follow an app's rename and go with it, all-or-nothing
 * transactions.
 */
export function storeConformance(name: string, open: () => OpenedStore): void {
  describe(`store conformance: ${name}`, () => {
    let opened: OpenedStore;
    let store: CoreTables;
    beforeEach(() => { opened = open(); store = opened.store; });
    afterEach(() => opened?.close());

    const release = (app: string, image: string, config: Record<string, string> = {}): ReleaseRecord => store.releases.create({
      app, image, gitSha: null, config, processes: { web: 'serve' }, port: 5000, appJson: null, manifest: EMPTY_MANIFEST,
      detectedPorts: null, description: image, user: 'dana',
    });

    it('a new app has berth\'s defaults and an id of its own; missing apps read null; the list is by name', () => {
      const b = store.apps.insert('bravo');
      const a = store.apps.insert('alpha');
      assert.deepEqual({ ...b, id: '', createdAt: '' }, {
        id: '', createdAt: '', name: 'bravo', deployBranch: 'main', builder: null, buildpack: null, restartPolicy: 'unless-stopped', memoryMb: null, cpus: null, locked: false,
      });
      assert.match(b.id, /^[0-9a-f]{12}$/);
      assert.notEqual(a.id, b.id);
      assert.equal(store.apps.get('charlie'), null);
      assert.deepEqual(store.apps.list().map((x) => x.name), ['alpha', 'bravo']);
    });

    it('update changes the fields given and answers the record', () => {
      store.apps.insert('shop');
      const updated = store.apps.update('shop', { memoryMb: 256, locked: true });
      assert.deepEqual([updated.memoryMb, updated.locked, updated.cpus, updated.restartPolicy], [256, true, null, 'unless-stopped']);
      assert.deepEqual(store.apps.get('shop'), updated);
      assert.equal(store.apps.update('shop', { memoryMb: null }).memoryMb, null);
    });

    it('releases count up per app, newest first; the next number is one above the newest kept', () => {
      store.apps.insert('shop');
      store.apps.insert('blog');
      assert.deepEqual([release('shop', 'a').version, release('shop', 'b').version, release('blog', 'c').version], [1, 2, 1]);
      assert.deepEqual(store.releases.list('shop').map((r) => [r.version, r.image]), [[2, 'b'], [1, 'a']]);
      store.releases.remove('shop', 2);
      assert.equal(store.releases.get('shop', 2), null);
      assert.equal(release('shop', 'd').version, 2, 'a release that never went live leaves its number free');
      assert.deepEqual(store.releases.get('shop', 1)?.image, 'a');
    });

    it('a release keeps its config snapshot as it was', () => {
      store.apps.insert('shop');
      release('shop', 'a', { SECRET: 's3cret', EMPTY: '' });
      assert.deepEqual(store.releases.get('shop', 1)?.config, { SECRET: 's3cret', EMPTY: '' });
    });

    it('no release is live until one is marked; the mark moves', () => {
      store.apps.insert('shop');
      release('shop', 'a');
      release('shop', 'b');
      assert.equal(store.releases.current('shop'), null);
      store.releases.setCurrent('shop', 2);
      assert.equal(store.releases.current('shop')?.image, 'b');
      store.releases.setCurrent('shop', 1);
      assert.equal(store.releases.current('shop')?.image, 'a');
    });

    it('a formation is merged per process type; none is {}', () => {
      store.apps.insert('shop');
      assert.deepEqual(store.formation.get('shop'), {});
      store.formation.set('shop', { web: 2, worker: 1 });
      store.formation.set('shop', { worker: 3 });
      assert.deepEqual(store.formation.get('shop'), { web: 2, worker: 3 });
    });

    it('an app runs until it is marked stopped, and again when unmarked', () => {
      store.apps.insert('shop');
      assert.equal(store.processState.isStopped('shop'), false);
      store.processState.setStopped('shop', true);
      assert.equal(store.processState.isStopped('shop'), true);
      store.processState.setStopped('shop', false);
      assert.equal(store.processState.isStopped('shop'), false);
    });

    it('config sets and unsets apply together', () => {
      store.apps.insert('shop');
      store.config.apply('shop', { A: '1', B: '2' }, []);
      store.config.apply('shop', { C: '3' }, ['A', 'MISSING']);
      assert.deepEqual(store.config.get('shop'), { B: '2', C: '3' });
      assert.deepEqual(store.config.get('blog'), {});
    });

    it('an app\'s rows follow its rename (its id too), and go with it when it is removed', () => {
      const { id } = store.apps.insert('shop');
      release('shop', 'a');
      store.releases.setCurrent('shop', 1);
      store.formation.set('shop', { web: 2 });
      store.processState.setStopped('shop', true);
      store.config.apply('shop', { A: '1' }, []);
      store.apps.rename('shop', 'store');
      assert.equal(store.apps.get('shop'), null);
      assert.equal(store.apps.get('store')?.id, id);
      assert.deepEqual([store.releases.current('store')?.app, store.releases.current('store')?.image, store.releases.list('shop').length], ['store', 'a', 0]);
      assert.deepEqual([store.formation.get('store'), store.processState.isStopped('store'), store.config.get('store')], [{ web: 2 }, true, { A: '1' }]);
      store.apps.remove('store');
      const again = store.apps.insert('store');
      assert.notEqual(again.id, id);
      assert.deepEqual([store.releases.list('store'), store.releases.current('store'), store.formation.get('store'), store.processState.isStopped('store'), store.config.get('store')], [[], null, {}, false, {}]);
    });

    it('a row of an app that does not exist is refused', () => {
      assert.throws(() => release('ghost', 'a'), { message: 'FOREIGN KEY constraint failed' });
      assert.throws(() => store.config.apply('ghost', { A: '1' }, []), { message: 'FOREIGN KEY constraint failed' });
      assert.throws(() => store.formation.set('ghost', { web: 1 }), { message: 'FOREIGN KEY constraint failed' });
    });

    it('a transaction answers its function\'s value; one that throws leaves every table as it was', () => {
      store.apps.insert('shop');
      assert.equal(store.transaction(() => release('shop', 'a').version), 1);
      const boom = new Error('boom');
      assert.throws(() => store.transaction(() => {
        store.apps.insert('blog');
        release('shop', 'b');
        store.releases.setCurrent('shop', 2);
        store.config.apply('shop', { A: '1' }, []);
        store.formation.set('shop', { web: 3 });
        throw boom;
      }), (e) => e === boom);
      assert.deepEqual([store.apps.get('blog'), store.releases.list('shop').map((r) => r.version), store.releases.current('shop'), store.config.get('shop'), store.formation.get('shop')], [null, [1], null, {}, {}]);
    });
  });
}

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { EventsService } from '../../../app/events';
import { StorageService } from '../../../app/storage';
import { BerthError } from '../../../app/errors';
import { readersOf } from '../../support/store-readers';

/** A compose bind mount inside the app's storage (docs/compose.md): made and re-checked at every start. */
describe('compose bind mounts in the app\'s storage at container start', () => {
  let dir: string;
  let storage: StorageService;
  let root: string;
  let otherRoot: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-compose-dirs-'));
    const storageDir = path.join(dir, 'storage');
    const store = openSqliteStore(path.join(dir, 'berth.db'));
    store.apps.insert('shop');
    store.apps.insert('victim');
    storage = new StorageService({ store, ...readersOf(store), events: new EventsService(store.events), storageDir });
    root = storage.rootOf('shop');
    otherRoot = storage.rootOf('victim');
    assert.equal(path.dirname(root), path.resolve(storageDir));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const refusal = (fn: () => unknown) => assert.throws(fn, (e: unknown) => e instanceof BerthError && e.code === 'INVALID_STORAGE_MOUNT');

  it('makes the folder directly below the app\'s storage root and hands its real path', () => {
    assert.equal(storage.composeDirForStart('shop', 'uploads'), path.join(fs.realpathSync(root), 'uploads'));
    assert.ok(fs.statSync(path.join(root, 'uploads')).isDirectory());
  });

  it('refuses a folder the app (or anyone) swapped for a symlink out, to another app\'s storage or the host', () => {
    fs.mkdirSync(path.join(otherRoot, 'secrets'), { recursive: true });
    fs.symlinkSync(path.join(otherRoot, 'secrets'), path.join(root, 'stolen'));
    fs.symlinkSync('/etc', path.join(root, 'etc'));
    refusal(() => storage.composeDirForStart('shop', 'stolen'));
    refusal(() => storage.composeDirForStart('shop', 'etc'));
  });

  it('refuses names that are not one folder below the root', () => {
    for (const bad of ['..', '.', '../victim', 'a/../../x', '.hidden']) refusal(() => storage.composeDirForStart('shop', bad));
  });
});

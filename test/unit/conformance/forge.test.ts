import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { forgeConformance } from '../../conformance/forge';
import { InMemoryForge } from '../../support/fakes/forge';

// The real adapter (SQLite runs in-process: a fresh database file per test, apps in its apps table) and the fake.
function openSqlite() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-forge-conf-'));
  const file = path.join(dir, 'berth.db');
  const store = openSqliteStore(file);
  return {
    file, store,
    forge: store.forge,
    addApp: (name: string) => { store.apps.insert(name); },
    renameApp: (from: string, to: string) => store.apps.rename(from, to),
    removeApp: (name: string) => store.apps.remove(name),
    close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

forgeConformance('infra/sqlite (a fresh database file)', openSqlite);

forgeConformance('InMemoryForge (test/support/fakes)', () => {
  const forge = new InMemoryForge();
  return { forge, addApp: (n) => forge.addApp(n), renameApp: (f, t) => forge.renameApp(f, t), removeApp: (n) => forge.removeApp(n), close: () => undefined };
});

// Only the real adapter stores anything at rest: its database files hold no secret in the clear.
describe('forge store (infra/sqlite): secrets sealed at rest', () => {
  it('neither a credential\'s secret nor a webhook\'s is in the database files, yet both read back', () => {
    const o = openSqlite();
    try {
      o.addApp('shop');
      o.forge.setCredentials('shop', { kind: 'token', username: 'ci-bot', secret: 'plain-token-9f3a' });
      o.forge.addWebhook('shop', 'github', 'plain-hook-7c1e');
      const onDisk = ['', '-wal'].map((s) => (fs.existsSync(o.file + s) ? fs.readFileSync(o.file + s).toString('latin1') : '')).join('');
      assert.deepEqual([onDisk.includes('plain-token-9f3a'), onDisk.includes('plain-hook-7c1e'), onDisk.includes('ci-bot')], [false, false, true]);
      assert.deepEqual([o.forge.credentials('shop')?.secret, o.forge.webhookSecret('shop', 'github')], ['plain-token-9f3a', 'plain-hook-7c1e']);
    } finally {
      o.close();
    }
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import type { Store } from '../../../app/ports/store';

describe('SQLite users store: findByTokenHash', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-users-'));
    store = openSqliteStore(path.join(dir, 'berth.db'));
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the user of a token without expiry and of one that expires later, not of an expired or unknown one', () => {
    const user = store.users.ensureUser('dev', 'developer');
    store.users.addToken(user.id, 'h-forever', 'forever');
    store.access.addToken(user.id, { hash: 'h-later', name: 'later', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    store.access.addToken(user.id, { hash: 'h-expired', name: 'expired', expiresAt: new Date(Date.now() - 1000).toISOString() });
    assert.deepEqual(store.users.findByTokenHash('h-forever'), user);
    assert.deepEqual(store.users.findByTokenHash('h-later'), user);
    assert.equal(store.users.findByTokenHash('h-expired'), null, 'an expired token still found its user');
    assert.equal(store.users.findByTokenHash('h-unknown'), null);
  });
});

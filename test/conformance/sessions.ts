import assert from 'node:assert/strict';
import type { SessionRecord, SessionsStore } from '../../app/ports/sessions';
import type { UserRecord } from '../../app/ports/store';

export interface OpenedSessions {
  readonly sessions: SessionsStore;
  /** A user as the users table makes them; answers the record. */
  addUser(name: string, role: UserRecord['role']): UserRecord;
  close(): void;
}

const T = (m: number) => new Date(Date.UTC(2026, 11, 8, 3, m)).toISOString();
const session = (userId: number, expiresMinute: number, csrf = `csrf-${userId}-${expiresMinute}`): SessionRecord =>
  ({ userId, csrf, createdAt: T(0), expiresAt: T(expiresMinute) });

/**
 * The dashboard logins port (app/ports/sessions.ts: password hashes, browser sessions), run against
 * infra/sqlite and the unit tests' InMemorySessions, both in test/unit/conformance/sessions.test.ts.
 */
export function sessionsConformance(name: string, open: () => OpenedSessions): void {
  describe(`sessions conformance: ${name}`, () => {
    let opened: OpenedSessions;
    beforeEach(() => { opened = open(); });
    afterEach(() => opened?.close());

    it('credentials: none for an unknown user, a null hash before a password is set, the last one set', () => {
      const ann = opened.addUser('ann', 'developer');
      assert.equal(opened.sessions.credentialsOf('bob'), null);
      assert.deepEqual(opened.sessions.credentialsOf('ann'), { user: ann, hash: null });
      opened.sessions.setPassword(ann.id, 'scrypt$1');
      opened.sessions.setPassword(ann.id, 'scrypt$2');
      assert.deepEqual(opened.sessions.credentialsOf('ann'), { user: ann, hash: 'scrypt$2' });
    });

    it('a session is found with its own user until it expires (not at its expiry), and not after remove', () => {
      const ann = opened.addUser('ann', 'developer');
      const bob = opened.addUser('bob', 'admin');
      opened.sessions.create('h-ann', session(ann.id, 30));
      opened.sessions.create('h-bob', session(bob.id, 30));
      assert.deepEqual(opened.sessions.find('h-ann', T(29)), { session: session(ann.id, 30), user: ann });
      assert.deepEqual(opened.sessions.find('h-bob', T(29))?.user, bob);
      assert.equal(opened.sessions.find('h-ann', T(30)), null);
      assert.equal(opened.sessions.find('h-none', T(1)), null);
      opened.sessions.remove('h-ann');
      assert.equal(opened.sessions.find('h-ann', T(1)), null);
      assert.deepEqual(opened.sessions.find('h-bob', T(1))?.user, bob);
    });

    it('removeForUser revokes that user\'s sessions only, with their count; prune removes the expired, with their count', () => {
      const ann = opened.addUser('ann', 'developer');
      const bob = opened.addUser('bob', 'viewer');
      opened.sessions.create('a1', session(ann.id, 10));
      opened.sessions.create('a2', session(ann.id, 50));
      opened.sessions.create('b1', session(bob.id, 10));
      opened.sessions.create('b2', session(bob.id, 50));
      assert.equal(opened.sessions.removeForUser(ann.id), 2);
      assert.equal(opened.sessions.removeForUser(ann.id), 0);
      assert.equal(opened.sessions.prune(T(10)), 1);
      assert.deepEqual([opened.sessions.find('a2', T(1)), opened.sessions.find('b1', T(1)), opened.sessions.find('b2', T(1))?.user], [null, null, bob]);
    });
  });
}

import type { SessionRecord, SessionsStore } from '../../../app/ports/sessions';
import type { UserRecord } from '../../../app/ports/store';

/** The dashboard logins port in memory, for unit tests; users are the test's (`addUser`). It passes test/conformance/sessions.ts. */
export class InMemorySessions implements SessionsStore {
  private readonly users = new Map<number, UserRecord>();
  private readonly hashes = new Map<number, string>();
  private readonly sessions = new Map<string, SessionRecord>();

  addUser(name: string, role: UserRecord['role']): UserRecord {
    const user = { id: this.users.size + 1, name, role };
    this.users.set(user.id, user);
    return user;
  }

  setPassword(userId: number, hash: string): void { this.hashes.set(userId, hash); }

  credentialsOf(userName: string): { user: UserRecord; hash: string | null } | null {
    const user = [...this.users.values()].find((u) => u.name === userName);
    return user ? { user, hash: this.hashes.get(user.id) ?? null } : null;
  }

  create(idHash: string, session: SessionRecord): void { this.sessions.set(idHash, session); }

  find(idHash: string, nowIso: string): { session: SessionRecord; user: UserRecord } | null {
    const session = this.sessions.get(idHash);
    const user = session ? this.users.get(session.userId) : undefined;
    return session && user && session.expiresAt > nowIso ? { session, user } : null;
  }

  remove(idHash: string): void { this.sessions.delete(idHash); }

  removeForUser(userId: number): number { return this.drop((s) => s.userId === userId); }

  prune(nowIso: string): number { return this.drop((s) => s.expiresAt <= nowIso); }

  private drop(which: (s: SessionRecord) => boolean): number {
    const gone = [...this.sessions].filter(([, s]) => which(s)).map(([k]) => k);
    for (const k of gone) this.sessions.delete(k);
    return gone.length;
  }
}

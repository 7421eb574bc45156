import type { AccessStore, SshKeyRecord, TokenInfo, TokenScope } from '../../../app/ports/access';
import type { UserRecord } from '../../../app/ports/store';

interface Token extends TokenInfo { readonly hash: string; readonly userId: number }
interface Key { readonly fingerprint: string; readonly userId: number; readonly name: string; readonly publicKey: string; readonly createdAt: string }

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const live = (t: Token, nowIso: string) => t.expiresAt === null || t.expiresAt > nowIso;

/**
 * The access port in memory, for unit tests, as infra/sqlite keeps it: user ids never reused
 * (AUTOINCREMENT), a removed user's tokens, collaborations and keys gone with them, collaborations
 * refused for a missing app, following its rename and going with it. The apps it knows are the
 * test's (addApp/renameApp/removeApp). test/conformance/access.ts holds it and SQLite's to one contract.
 */
export class InMemoryAccess implements AccessStore {
  private readonly apps = new Set<string>();
  private users: UserRecord[] = [];
  private lastId = 0;
  private tokenRows: Token[] = [];
  private collabs: { app: string; userId: number }[] = [];
  private keys: Key[] = [];

  addApp(name: string): void { this.apps.add(name); }

  renameApp(from: string, to: string): void {
    if (!this.apps.delete(from)) return;
    this.apps.add(to);
    this.collabs = this.collabs.map((c) => (c.app === from ? { ...c, app: to } : c));
  }

  removeApp(name: string): void {
    this.apps.delete(name);
    this.collabs = this.collabs.filter((c) => c.app !== name);
  }

  addUser(name: string, role: UserRecord['role']): UserRecord | null {
    if (this.user(name)) return null;
    this.lastId += 1;
    const user = { id: this.lastId, name, role };
    this.users.push(user);
    return { ...user };
  }

  removeUser(name: string): boolean {
    const user = this.user(name);
    if (!user) return false;
    this.users = this.users.filter((u) => u.id !== user.id);
    this.tokenRows = this.tokenRows.filter((t) => t.userId !== user.id);
    this.collabs = this.collabs.filter((c) => c.userId !== user.id);
    this.keys = this.keys.filter((k) => k.userId !== user.id);
    return true;
  }

  setRole(name: string, role: UserRecord['role']): boolean {
    const user = this.user(name);
    if (user) this.users = this.users.map((u) => (u.id === user.id ? { ...u, role } : u));
    return user !== null;
  }

  user(name: string): UserRecord | null {
    const user = this.users.find((u) => u.name === name);
    return user ? { ...user } : null;
  }

  listUsers(): UserRecord[] { return [...this.users].sort(byName).map((u) => ({ ...u })); }

  addToken(userId: number, t: { hash: string; name: string; expiresAt: string | null; scope?: TokenScope | null }): void {
    this.userById(userId, true);
    if (this.tokenRows.some((r) => r.hash === t.hash)) throw new Error('UNIQUE constraint failed: tokens.hash');
    this.tokenRows.push({ hash: t.hash, userId, name: t.name, createdAt: new Date().toISOString(), expiresAt: t.expiresAt, scope: t.scope ?? null });
  }

  userOfToken(hash: string, nowIso: string): UserRecord | null {
    const t = this.tokenRows.find((r) => r.hash === hash && r.scope === null && live(r, nowIso));
    return t ? this.userById(t.userId) : null;
  }

  userOfScopedToken(hash: string, scope: TokenScope, nowIso: string): UserRecord | null {
    const found = this.scopedTokenOf(hash, nowIso);
    return found && found.scope === scope ? found.user : null;
  }

  scopedTokenOf(hash: string, nowIso: string): { user: UserRecord; scope: TokenScope } | null {
    const t = this.tokenRows.find((r) => r.hash === hash && r.scope !== null && live(r, nowIso));
    return t && t.scope ? { user: this.userById(t.userId)!, scope: t.scope } : null;
  }

  tokens(userId: number): TokenInfo[] {
    return this.tokenRows.filter((t) => t.userId === userId)
      .sort((a, b) => (a.createdAt === b.createdAt ? byName(a, b) : a.createdAt < b.createdAt ? -1 : 1))
      .map((t) => ({ name: t.name, createdAt: t.createdAt, expiresAt: t.expiresAt, scope: t.scope }));
  }

  revokeToken(userId: number, name: string): number {
    const before = this.tokenRows.length;
    this.tokenRows = this.tokenRows.filter((t) => !(t.userId === userId && t.name === name));
    return before - this.tokenRows.length;
  }

  isCollaborator(app: string, userId: number): boolean { return this.collabs.some((c) => c.app === app && c.userId === userId); }

  collaborators(app: string): string[] {
    return this.collabs.filter((c) => c.app === app).map((c) => this.userById(c.userId)!.name).sort();
  }

  appsOf(userId: number): string[] { return this.collabs.filter((c) => c.userId === userId).map((c) => c.app).sort(); }

  addCollaborator(app: string, userId: number): void {
    if (!this.apps.has(app)) throw new Error('FOREIGN KEY constraint failed');
    this.userById(userId, true);
    if (!this.isCollaborator(app, userId)) this.collabs.push({ app, userId });
  }

  removeCollaborator(app: string, userId: number): boolean {
    const had = this.isCollaborator(app, userId);
    this.collabs = this.collabs.filter((c) => !(c.app === app && c.userId === userId));
    return had;
  }

  addSshKey(k: { fingerprint: string; userId: number; name: string; publicKey: string }): boolean {
    this.userById(k.userId, true);
    if (this.keys.some((x) => x.fingerprint === k.fingerprint || (x.userId === k.userId && x.name === k.name))) return false;
    this.keys.push({ ...k, createdAt: new Date().toISOString() });
    return true;
  }

  removeSshKey(userId: number, name: string): boolean {
    const before = this.keys.length;
    this.keys = this.keys.filter((k) => !(k.userId === userId && k.name === name));
    return this.keys.length < before;
  }

  sshKeys(userId: number | null): SshKeyRecord[] {
    const rows = this.keys.filter((k) => userId === null || k.userId === userId)
      .map((k) => ({ fingerprint: k.fingerprint, user: this.userById(k.userId)!.name, name: k.name, publicKey: k.publicKey, createdAt: k.createdAt }));
    return rows.sort((a, b) => (a.user === b.user ? byName(a, b) : a.user < b.user ? -1 : 1));
  }

  userOfSshKey(fingerprint: string): UserRecord | null {
    const key = this.keys.find((k) => k.fingerprint === fingerprint);
    return key ? this.userById(key.userId) : null;
  }

  /** A user by id; `required` throws as SQLite's foreign key does for a missing one. */
  private userById(id: number, required = false): UserRecord | null {
    const user = this.users.find((u) => u.id === id);
    if (!user && required) throw new Error('FOREIGN KEY constraint failed');
    return user ? { ...user } : null;
  }
}

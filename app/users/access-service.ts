import crypto from 'node:crypto';
import { BerthError } from '../errors';
import type { AccessStore, SshKeyRecord, TokenInfo, TokenScope } from '../ports/access';
import type { UserRecord } from '../ports/store';
import { ROLES, can, forbidden, type Action, type Role } from './authorize';
import { hashToken } from './users-service';
import { sshFingerprint } from './ssh-key';
import { DEPLOY_TOKEN_DAYS, checkDeployScope } from './deploy-scope';

const USER_NAME = /^[a-z](?!.*\.\.)[a-z0-9._-]{0,39}$/;
const TOKEN_NAME = /^[A-Za-z0-9](?!.*\.\.)[A-Za-z0-9._-]{0,39}$/;

export function assertUserName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !USER_NAME.test(name)) {
    throw new BerthError('INVALID_USER_NAME', `"${String(name).slice(0, 60)}" is not a valid user name: lowercase letters, digits, . _ -, starting with a letter.`);
  }
}

/**
 * A token's scope: none (an API token), or `metrics` — what Prometheus is given, opening /metrics and
 * nothing else. /metrics shows every app, so only admins make one (and it stops working if they stop being one).
 */
function tokenScope(user: UserRecord, scope: unknown, deploy: { appExists: (app: string) => boolean; canWrite: (app: string) => boolean }): TokenScope | null {
  if (scope === undefined || scope === null) return null;
  if (typeof scope === 'string' && checkDeployScope(scope, deploy)) return scope as TokenScope;
  if (scope !== 'metrics') throw new BerthError('INVALID_INPUT', `"scope" must be metrics, push:<app> or deploy:<app> (or left out for an API token), not "${String(scope).slice(0, 40)}".`);
  if (user.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins make metrics tokens: /metrics shows every app.');
  return scope;
}

/** Users, roles, collaborators, named tokens and SSH keys, and the one place access is decided. */
export class AccessService {
  constructor(private readonly deps: {
    store: AccessStore;
    appExists: (app: string) => boolean;
    /** Revokes the user's dashboard sessions (user removed). */
    endSessions: (userId: number) => void;
    record: (e: { app: string | null; message: string; user: string | null }) => void;
    /** The apps a service is linked to (developers reach the services of their apps only). */
    appsOfService: (plugin: string, name: string) => string[];
  }) {}

  /** Secret values (config vars, service credentials): admins, and developers of the app; never viewers. */
  canSeeSecrets(user: UserRecord, app: string): boolean {
    return user.role === 'admin' || (user.role === 'developer' && this.deps.store.isCollaborator(app, user.id));
  }

  /** A service's info, logs and export: admins, and developers of an app it is linked to. */
  canUseService(user: UserRecord, plugin: string, name: string): boolean {
    if (user.role === 'admin') return true;
    if (user.role !== 'developer') return false;
    return this.deps.appsOfService(plugin, name).some((app) => this.deps.store.isCollaborator(app, user.id));
  }

  /**
   * Service-scoped requests (`/services/<plugin>/<name>…`): a developer only for services linked to
   * their apps; a viewer reads a service's info (credentials hidden) but not its logs or export.
   */
  authorizeService(user: UserRecord, o: { plugin: string; name: string; action: Action; rest: string }): void {
    if (user.role === 'admin') return;
    const what = `service ${o.plugin}/${o.name}`;
    if (o.action !== 'read') throw forbidden(user, 'admin', null);
    if (user.role === 'viewer') {
      if (o.rest === '') return;
      throw new BerthError('FORBIDDEN', `User "${user.name}" (viewer) may not read the ${o.rest.replace(/^\//, '') || 'data'} of ${what}: viewers see no service data or credentials.`);
    }
    if (!this.canUseService(user, o.plugin, o.name)) {
      throw new BerthError('FORBIDDEN', `User "${user.name}" (developer) may not use ${what}: it is not linked to an app you collaborate on.`);
    }
  }

  can(user: UserRecord, action: Action, app: string | null): boolean {
    return can(user, action, app, (a) => this.deps.store.isCollaborator(a, user.id));
  }

  /** Throws FORBIDDEN unless the user may do it. */
  authorize(user: UserRecord, action: Action, app: string | null): void {
    if (!this.can(user, action, app)) throw forbidden(user, action, app);
  }

  /** The apps a user may see: all for admins and viewers, their collaborations for developers. */
  visibleApps<T extends { name: string }>(user: UserRecord, apps: readonly T[]): T[] {
    if (user.role !== 'developer') return [...apps];
    const mine = new Set(this.deps.store.appsOf(user.id));
    return apps.filter((a) => mine.has(a.name));
  }

  /**
   * Another role for a user, from their next request on (sessions and tokens read the role each
   * time). An admin cannot change their own role: berth always keeps the admin who acts.
   */
  setRole(name: unknown, role: unknown, by: UserRecord): UserRecord {
    assertUserName(name);
    const wanted = this.requireRole(role);
    const user = this.requireUser(name);
    if (user.id === by.id) throw new BerthError('INVALID_INPUT', 'You cannot change your own role; ask another admin.');
    this.deps.store.setRole(user.name, wanted);
    if (user.role !== wanted) this.deps.record({ app: null, message: `user ${user.name} is now ${wanted} (was ${user.role})`, user: by.name });
    return { ...user, role: wanted };
  }

  async addUser(o: { name: unknown; role: unknown; by: string | null; setPassword?: (name: string) => Promise<void> }): Promise<{ user: UserRecord; token: string }> {
    assertUserName(o.name);
    const role = this.requireRole(o.role ?? 'developer');
    const user = this.deps.store.addUser(o.name, role);
    if (!user) throw new BerthError('USER_EXISTS', `A user named "${o.name}" exists already.`);
    if (o.setPassword) await o.setPassword(user.name);
    const token = this.createToken(user, { name: 'default', expiresInDays: null });
    this.deps.record({ app: null, message: `user ${user.name} added as ${role}`, user: o.by });
    return { user, token };
  }

  removeUser(name: unknown, by: UserRecord): void {
    const user = this.requireUser(name);
    if (user.id === by.id) throw new BerthError('INVALID_INPUT', 'You cannot remove yourself; ask another admin.');
    this.deps.endSessions(user.id);
    this.deps.store.removeUser(user.name);
    this.deps.record({ app: null, message: `user ${user.name} removed`, user: by.name });
  }

  listUsers(): Array<UserRecord & { apps: string[] }> {
    return this.deps.store.listUsers().map((u) => ({ ...u, apps: this.deps.store.appsOf(u.id) }));
  }

  requireUser(name: unknown): UserRecord {
    assertUserName(name);
    const user = this.deps.store.user(name);
    if (!user) throw new BerthError('USER_NOT_FOUND', `No user named "${name}".`);
    return user;
  }

  collaborators(app: string): string[] {
    this.requireApp(app);
    return this.deps.store.collaborators(app);
  }

  addCollaborator(app: string, userName: unknown, by: string | null): void {
    this.requireApp(app);
    const user = this.requireUser(userName);
    this.deps.store.addCollaborator(app, user.id);
    this.deps.record({ app, message: `collaborator ${user.name} added`, user: by });
  }

  removeCollaborator(app: string, userName: unknown, by: string | null): void {
    this.requireApp(app);
    const user = this.requireUser(userName);
    if (!this.deps.store.removeCollaborator(app, user.id)) throw new BerthError('USER_NOT_FOUND', `"${user.name}" is not a collaborator on ${app}.`);
    this.deps.record({ app, message: `collaborator ${user.name} removed`, user: by });
  }

  /** SHA-256s of the tokens SSH sessions use right now (this process runs them): the audit's `ssh` source. */
  private readonly sshSessionTokens = new Set<string>();

  /** A token for one SSH command, revoked with endSshSession; requests with it are audited as `ssh`. */
  startSshSession(user: UserRecord, name: string): string {
    const token = this.createToken(user, { name, expiresInDays: 1 });
    this.sshSessionTokens.add(hashToken(token));
    return token;
  }

  endSshSession(user: UserRecord, name: string, token: string): void {
    this.sshSessionTokens.delete(hashToken(token));
    this.revokeToken(user, name);
  }

  isSshSessionToken(token: string | null): boolean {
    return token !== null && this.sshSessionTokens.has(hashToken(token));
  }

  /**
   * Whose SSH keys a request manages: the actor's own (no name, or their own name), anyone's for an
   * admin; a developer or viewer naming another user is refused (API and dashboard alike).
   */
  keysSubject(actor: UserRecord, named: unknown): UserRecord {
    if (named === undefined || named === null || named === '' || named === actor.name) return actor;
    if (actor.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins manage other users\' keys.');
    return this.requireUser(named);
  }

  /** A new token, returned once; only its SHA-256 is kept. */
  createToken(user: UserRecord, o: { name: unknown; expiresInDays: unknown; scope?: unknown }): string {
    if (typeof o.name !== 'string' || !TOKEN_NAME.test(o.name)) {
      throw new BerthError('INVALID_TOKEN_NAME', `"${String(o.name).slice(0, 60)}" is not a valid token name.`);
    }
    const scope = tokenScope(user, o.scope, { appExists: this.deps.appExists, canWrite: (app) => this.can(user, 'write', app) });
    // Deploy tokens live in CI settings: they expire (90 days unless told otherwise).
    let expiresAt: string | null = scope && scope !== 'metrics' ? new Date(Date.now() + DEPLOY_TOKEN_DAYS * 86_400_000).toISOString() : null;
    if (o.expiresInDays !== null && o.expiresInDays !== undefined) {
      const days = Number(o.expiresInDays);
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw new BerthError('INVALID_INPUT', '"expiresInDays" must be a whole number of days, 1–3650.');
      expiresAt = new Date(Date.now() + days * 86_400_000).toISOString();
    }
    const token = `berth_${crypto.randomBytes(24).toString('base64url')}`;
    this.deps.store.addToken(user.id, { hash: hashToken(token), name: o.name, expiresAt, scope });
    return token;
  }

  tokens(user: UserRecord): TokenInfo[] {
    return this.deps.store.tokens(user.id);
  }

  revokeToken(user: UserRecord, name: unknown): void {
    if (typeof name !== 'string' || !this.deps.store.revokeToken(user.id, name)) {
      throw new BerthError('TOKEN_NOT_FOUND', `You have no token named "${String(name).slice(0, 60)}".`);
    }
  }

  addSshKey(user: UserRecord, o: { name: unknown; publicKey: unknown }): SshKeyRecord {
    if (typeof o.name !== 'string' || !TOKEN_NAME.test(o.name)) throw new BerthError('INVALID_INPUT', '"name" must be 1–40 letters, digits, . _ -.');
    const key = typeof o.publicKey === 'string' ? o.publicKey.trim() : '';
    const fingerprint = key.length < 8192 && !/[\r\n]/.test(key) ? sshFingerprint(key) : null;
    if (!fingerprint) throw new BerthError('INVALID_SSH_KEY', 'That is not an OpenSSH public key (ssh-ed25519 AAAA…, ssh-rsa AAAA…, ecdsa-sha2-…).');
    if (!this.deps.store.addSshKey({ fingerprint, userId: user.id, name: o.name, publicKey: key })) {
      throw new BerthError('SSH_KEY_EXISTS', `That key, or a key named "${o.name}", is registered already.`);
    }
    this.deps.record({ app: null, message: `ssh key ${o.name} (${fingerprint}) added for ${user.name}`, user: user.name });
    return this.deps.store.sshKeys(user.id).find((k) => k.fingerprint === fingerprint)!;
  }

  removeSshKey(user: UserRecord, name: unknown): void {
    if (typeof name !== 'string' || !this.deps.store.removeSshKey(user.id, name)) {
      throw new BerthError('SSH_KEY_NOT_FOUND', `No SSH key named "${String(name).slice(0, 60)}" for ${user.name}.`);
    }
    this.deps.record({ app: null, message: `ssh key ${name} removed for ${user.name}`, user: user.name });
  }

  sshKeys(user: UserRecord | null): SshKeyRecord[] {
    return this.deps.store.sshKeys(user ? user.id : null);
  }

  userOfSshKey(fingerprint: string): UserRecord | null {
    return this.deps.store.userOfSshKey(fingerprint);
  }

  private requireRole(role: unknown): Role {
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      throw new BerthError('INVALID_ROLE', `"${String(role).slice(0, 40)}" is not a role: use admin, developer or viewer.`);
    }
    return role as Role;
  }

  private requireApp(app: string): void {
    if (!this.deps.appExists(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist.`);
  }
}

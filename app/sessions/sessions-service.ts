import crypto from 'node:crypto';
import { BerthError } from '../errors';
import type { SessionsStore } from '../ports/sessions';
import type { UserRecord, UsersStore } from '../ports/store';
import { assertPassword, hashPassword, verifyPassword } from './password';

export interface ActiveSession {
  readonly user: UserRecord;
  readonly csrf: string;
}

const hashId = (id: string): string => crypto.createHash('sha256').update(id).digest('hex');

/**
 * Dashboard logins. A session id is 32 random bytes given to the browser once; the database
 * keeps only its SHA-256, so a leaked database cannot be replayed, and deleting the row revokes it.
 */
export class SessionsService {
  /** Compared against when the user does not exist, so a wrong name costs as much as a wrong password. */
  private decoy: Promise<string> | null = null;

  constructor(private readonly deps: { sessions: SessionsStore; users: UsersStore; ttlHours: number }) {}

  async setPassword(userName: string, password: unknown): Promise<void> {
    assertPassword(password);
    const creds = this.deps.sessions.credentialsOf(userName);
    if (!creds) throw new BerthError('NOT_FOUND', `No user named "${userName}".`);
    this.deps.sessions.setPassword(creds.user.id, await hashPassword(password));
    // A new password ends every session opened with the old one.
    this.deps.sessions.removeForUser(creds.user.id);
  }

  /** Sets the admin's password, creating the admin user when missing. */
  async setAdminPassword(password: unknown): Promise<void> {
    assertPassword(password);
    this.deps.users.ensureUser('admin', 'admin');
    await this.setPassword('admin', password);
  }

  /** Checks the password and opens a session; returns the id for the cookie (never stored). */
  async login(userName: unknown, password: unknown): Promise<{ id: string; session: ActiveSession }> {
    const user = await this.checkPassword(userName, password);
    const id = crypto.randomBytes(32).toString('base64url');
    const csrf = crypto.randomBytes(24).toString('base64url');
    const now = new Date();
    this.deps.sessions.prune(now.toISOString());
    this.deps.sessions.create(hashId(id), {
      userId: user.id, csrf, createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.deps.ttlHours * 3600_000).toISOString(),
    });
    return { id, session: { user, csrf } };
  }

  /** The user whose password this is; LOGIN_FAILED otherwise (the same time for an unknown name). `berth login` trades it for a token. */
  async checkPassword(userName: unknown, password: unknown): Promise<UserRecord> {
    const name = typeof userName === 'string' ? userName.slice(0, 200) : '';
    const pass = typeof password === 'string' ? password.slice(0, 1024) : '';
    const creds = name ? this.deps.sessions.credentialsOf(name) : null;
    this.decoy ??= hashPassword(crypto.randomBytes(16).toString('hex'));
    const ok = await verifyPassword(pass, creds?.hash ?? await this.decoy);
    if (!creds?.hash || !ok) throw new BerthError('LOGIN_FAILED', 'Wrong user name or password.');
    return creds.user;
  }

  /** The live session for a cookie value, or null (unknown, expired or revoked). */
  lookup(id: string | null | undefined): ActiveSession | null {
    if (!id || id.length > 100) return null;
    const found = this.deps.sessions.find(hashId(id), new Date().toISOString());
    return found ? { user: found.user, csrf: found.session.csrf } : null;
  }

  logout(id: string | null | undefined): void {
    if (id) this.deps.sessions.remove(hashId(id));
  }

  /** Constant-time check of a form's CSRF token against the session's. */
  checkCsrf(session: ActiveSession, sent: unknown): void {
    const a = Buffer.from(session.csrf);
    const b = Buffer.from(typeof sent === 'string' ? sent : '');
    if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
      throw new BerthError('CSRF_TOKEN_INVALID', 'This form is missing its security token or it does not match your session; reload the page and try again.');
    }
  }
}

/** Dashboard logins: password hashes and browser sessions. infra/sqlite implements it. */
import type { UserRecord } from './store';

export interface SessionRecord {
  readonly userId: number;
  /** Per-session token every dashboard form must send back (CSRF protection). */
  readonly csrf: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface SessionsStore {
  /** Stores the password hash (an scrypt string) of a user, replacing any earlier one. */
  setPassword(userId: number, hash: string): void;
  /** The named user and their password hash (null when they have none), or null when no such user. */
  credentialsOf(userName: string): { user: UserRecord; hash: string | null } | null;
  /** Stores the SHA-256 of the session id, never the id. */
  create(idHash: string, session: SessionRecord): void;
  /** A session that has not expired, with its user, or null. */
  find(idHash: string, nowIso: string): { session: SessionRecord; user: UserRecord } | null;
  remove(idHash: string): void;
  /** Revokes every session of a user (password change, user removed). */
  removeForUser(userId: number): number;
  /** Deletes expired sessions; returns how many. */
  prune(nowIso: string): number;
}

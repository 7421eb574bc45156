/** Users, their tokens, app collaborators and SSH keys. infra/sqlite implements it. */
import type { UserRecord } from './store';

export interface TokenInfo {
  readonly name: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  /** null: a full API token; `metrics`: opens GET /metrics only. */
  readonly scope: TokenScope | null;
}

/**
 * What a scoped token opens instead of the API: `metrics`, Prometheus' scrape of /metrics; `push:<app>`
 * and `deploy:<app>`, deploy tokens for one app and one action (app/users/deploy-scope.ts).
 */
export type TokenScope = 'metrics' | `push:${string}` | `deploy:${string}`;

export interface SshKeyRecord {
  readonly fingerprint: string;
  readonly user: string;
  readonly name: string;
  readonly publicKey: string;
  readonly createdAt: string;
}

export interface AccessStore {
  /** Creates the user; false when the name is taken. */
  addUser(name: string, role: UserRecord['role']): UserRecord | null;
  /** Removes the user with their tokens, sessions, collaborations and keys; false when missing. */
  removeUser(name: string): boolean;
  /** Gives the user another role; false when missing. */
  setRole(name: string, role: UserRecord['role']): boolean;
  user(name: string): UserRecord | null;
  listUsers(): UserRecord[];
  /** Stores the SHA-256 of the token, never the token. */
  addToken(userId: number, token: { hash: string; name: string; expiresAt: string | null; scope?: TokenScope | null }): void;
  /** The user of an API token (no scope) that has not expired (`nowIso`), or null. */
  userOfToken(hash: string, nowIso: string): UserRecord | null;
  /** The user of a scoped token with this scope that has not expired, or null (API tokens too). */
  userOfScopedToken(hash: string, scope: TokenScope, nowIso: string): UserRecord | null;
  /** A scoped token that has not expired, with its user and scope, or null (API tokens too). */
  scopedTokenOf(hash: string, nowIso: string): { user: UserRecord; scope: TokenScope } | null;
  tokens(userId: number): TokenInfo[];
  /** Revokes every token of the user with that name; returns how many. */
  revokeToken(userId: number, name: string): number;
  isCollaborator(app: string, userId: number): boolean;
  collaborators(app: string): string[];
  /** Apps a user collaborates on. */
  appsOf(userId: number): string[];
  addCollaborator(app: string, userId: number): void;
  removeCollaborator(app: string, userId: number): boolean;
  addSshKey(key: { fingerprint: string; userId: number; name: string; publicKey: string }): boolean;
  removeSshKey(userId: number, name: string): boolean;
  sshKeys(userId: number | null): SshKeyRecord[];
  userOfSshKey(fingerprint: string): UserRecord | null;
}

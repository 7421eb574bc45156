/** The roles a user can have (docs/security.md says what each may do). */
export type RoleName = 'admin' | 'developer' | 'viewer';

/** A user as the API shows it. */
export interface UserView {
  readonly name: string;
  readonly role: RoleName;
}

/** `GET /api/v1/whoami` */
export interface WhoamiResponse {
  readonly user: UserView;
}

/** `GET /api/v1/users` (admins): each user with the apps they collaborate on. */
export interface UsersListResponse {
  readonly users: ReadonlyArray<UserView & { readonly apps: readonly string[] }>;
}

/** `POST /api/v1/users` */
export interface UserAddRequest {
  readonly name: string;
  readonly role: string;
  /** Also a dashboard password; omitted or empty: none. */
  readonly password?: string;
}

/** `POST /api/v1/users`: the first API token, shown this once. */
export interface UserAddResponse {
  readonly user: UserView;
  readonly token: string;
}

/** `PATCH /api/v1/users/:name` */
export interface UserRoleResponse {
  readonly user: UserView;
}

/** `DELETE /api/v1/users/:name` and `DELETE /api/v1/ssh-keys/:name` */
export interface RemovedResponse {
  readonly removed: string;
}

/** `GET|POST|DELETE /api/v1/apps/:app/collaborators` */
export interface CollaboratorsResponse {
  readonly collaborators: readonly string[];
}

/** One of your API tokens: never its value. */
export interface TokenView {
  readonly name: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  /** null: a full API token; else what it opens (metrics, push:<app>, deploy:<app>). */
  readonly scope: string | null;
}

/** `GET /api/v1/tokens` */
export interface TokensListResponse {
  readonly tokens: readonly TokenView[];
}

/** `POST /api/v1/tokens` */
export interface TokenCreateRequest {
  readonly name: string;
  readonly expiresInDays: number | null;
  readonly scope?: string;
}

/** `POST /api/v1/tokens`: the token, shown this once. */
export interface TokenCreateResponse {
  readonly name: string;
  readonly token: string;
  readonly scope: string | null;
}

/** `DELETE /api/v1/tokens/:name` */
export interface TokenRevokedResponse {
  readonly revoked: string;
}

/** A registered SSH public key. */
export interface SshKeyView {
  readonly name: string;
  readonly user: string;
  readonly fingerprint: string;
  readonly createdAt: string;
}

/** `GET /api/v1/ssh-keys[?all=1|?user=]` */
export interface SshKeysResponse {
  readonly keys: readonly SshKeyView[];
}

/** `POST /api/v1/ssh-keys` */
export interface SshKeyAddRequest {
  readonly name: string;
  readonly key: string;
  readonly user?: string;
}

/** `POST /api/v1/ssh-keys` */
export interface SshKeyResponse {
  readonly key: SshKeyView;
}

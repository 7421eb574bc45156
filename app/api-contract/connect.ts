/** How a laptop reaches berth and its apps: a password login, the push URLs, the apps' networks. */

/** `POST /login/token` (public, JSON only, counted by the login limiter) */
export interface LoginTokenRequest {
  readonly username: string;
  readonly password: string;
  readonly name: string;
  readonly expiresInDays?: number | null;
}

/** The token made (201): shown this once. */
export interface LoginTokenResponse {
  readonly user: string;
  readonly name: string;
  readonly token: string;
}

/** `GET /api/v1/apps/:app/git-remotes`: the push URLs on berth's own address; null without one. */
export interface GitRemotesResponse {
  readonly remotes: {
    /** `https://<hostname>/git/<app>.git` */
    readonly https: string;
    /** null with SSH off. */
    readonly ssh: string | null;
  } | null;
}

/** An app's own network (dokku's network:list). */
export interface NetworkView {
  readonly name: string;
  readonly app: string;
}

/** `GET /api/v1/networks`: the networks of the apps the user may see. */
export interface NetworksListResponse {
  readonly networks: readonly NetworkView[];
}

/** `GET /api/v1/networks/:name` (dokku's network:info): with the app's running containers. */
export interface NetworkResponse {
  readonly network: NetworkView & { readonly driver: 'bridge'; readonly containers: readonly string[] };
}

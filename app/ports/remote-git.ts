/** Fetching an app's code from a remote repository (git:sync, forge webhooks). infra/git implements it with simple-git. */

/** How berth authenticates to a forge: an HTTPS token (sent as basic auth) or an SSH deploy key. */
export type GitCredentials =
  | { readonly kind: 'token'; readonly username: string; readonly secret: string }
  | { readonly kind: 'key'; readonly secret: string };

export interface RemoteFetch {
  readonly app: string;
  /** Checked first (app/forge/remote-url.ts): a network URL, never a path, file:// or a transport helper. */
  readonly url: string;
  /** A branch or tag name; null: the remote's HEAD. */
  readonly ref: string | null;
  readonly credentials: GitCredentials | null;
}

export interface RemoteGit {
  /**
   * Fetches `ref` from `url` into the app's repository (under refs/berth/, never a branch) and
   * answers the commit it names. Throws GIT_FETCH_FAILED with git's words (credentials cut out).
   */
  fetch(o: RemoteFetch): Promise<string>;
  /** Whether the commit is in the app's repository (a webhook's `after` after the fetch). */
  hasCommit(app: string, sha: string): Promise<boolean>;
  /** Points the app's branch at a commit it holds (a synced deploy went live). */
  moveBranch(app: string, branch: string, sha: string): Promise<void>;
}

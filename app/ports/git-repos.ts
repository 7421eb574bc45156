/** Bare git repositories per app, served over git's smart HTTP. infra/git implements it. */

export interface GitHttpRequest {
  readonly method: string;
  /** Path after `/git`, e.g. `/myapp.git/info/refs`. */
  readonly pathInfo: string;
  /** Raw query string without `?`. */
  readonly query: string;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  /** The `Git-Protocol` request header, if any (lets clients use protocol v2). */
  readonly gitProtocol?: string;
  readonly body: NodeJS.ReadableStream;
  /** Authenticated user name (for git's logs and the hook). */
  readonly remoteUser: string;
}

/** One git service over plain streams (the SSH transport): the client's bytes in, git's out. */
export interface GitStreamRequest {
  readonly service: 'git-upload-pack' | 'git-receive-pack';
  readonly app: string;
  /** Authenticated user name (for the hook). */
  readonly user: string;
  readonly gitProtocol?: string;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Ends git (and the hook) when the client goes away. */
  readonly signal?: AbortSignal;
}

export interface GitHttpResponse {
  writeHead(status: number, headers: Record<string, string>): void;
  readonly body: NodeJS.WritableStream;
}

/** What the pre-receive hook reports for one updated ref. */
export interface PushedRef {
  readonly app: string;
  readonly ref: string;
  readonly oldSha: string;
  readonly newSha: string;
  /** A tar of the pushed tree, written by the hook while the objects are still in quarantine. */
  readonly snapshotPath: string;
}

export interface GitRepos {
  /** Creates the bare repo with berth's hook if missing. */
  ensureRepo(app: string): Promise<void>;
  removeRepo(app: string): Promise<void>;
  renameRepo(from: string, to: string): Promise<void>;
  /** Throws DISK_FULL when the repos disk is too full for a push (checked before anything is written). */
  assertRoomToPush(): Promise<void>;
  /** Runs git's smart HTTP backend for one request. */
  serveHttp(request: GitHttpRequest, response: GitHttpResponse): Promise<void>;
  /** Runs upload-pack or receive-pack for one SSH session; resolves to git's exit code. */
  serveStream(request: GitStreamRequest): Promise<number>;
  /** The sha a ref points at now, or null. */
  resolveRef(app: string, ref: string): Promise<string | null>;
  /** Writes a tar of the commit's tree to `dest` (used for rebuilds of an existing commit). */
  archive(app: string, sha: string, dest: string): Promise<void>;
}

/**
 * How the hook reaches berth: the web process starts git with these in the environment, and the
 * hook (infra/git/hook-client) posts each ref to `url` with `secret`, streaming back the build log.
 */
export interface HookEndpoint {
  readonly url: string;
  readonly secret: string;
}

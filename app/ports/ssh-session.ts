/** One `exec` request of a logged-in SSH client, as the transport (app/ssh) sees it. */
export interface SshExec<U> {
  readonly user: U;
  /** The command the client asked to run, as sent (`git-receive-pack '/app'`, `apps:list`). */
  readonly command: string;
  /** Environment the client sent and we accept (GIT_PROTOCOL only). */
  readonly gitProtocol?: string;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Aborted when the client disconnects. */
  readonly signal: AbortSignal;
}

/** Log drains (`logs:drain-add`): where an app's output (or every app's) is forwarded. */
export interface LogDrainRecord {
  readonly id: number;
  /** null: a global drain (every app). */
  readonly app: string | null;
  readonly url: string;
  /**
   * An admin added it: it may reach private and loopback addresses (not berth's own ports, not
   * link-local). Checked again at each connect, as a name may resolve elsewhere later.
   */
  readonly privileged: boolean;
  readonly createdAt: string;
}

export interface LogDrainsStore {
  add(d: { app: string | null; url: string; privileged: boolean }): LogDrainRecord;
  /** An app's drains (app name), the global ones (null), or all (undefined). */
  list(app?: string | null): LogDrainRecord[];
  remove(id: number): boolean;
}

/** One line handed to a drain. */
export interface DrainLine {
  /** RFC 3339 UTC, nanoseconds. */
  readonly at: string;
  readonly app: string;
  /** `web.1`, `run.ab12cd`. */
  readonly tag: string;
  readonly release: number | null;
  readonly text: string;
}

/** Where a drain connects: the URL, and the address its host resolved to and was checked at. */
export interface DrainTarget {
  readonly url: URL;
  readonly address: string;
}

/** An open connection to a drain; `send` resolves when the lines were handed to the socket or the server took the batch. */
export interface DrainConnection {
  send(lines: readonly DrainLine[]): Promise<void>;
  /** Resolves when the connection is gone (closed by the far end, or failed). */
  readonly closed: Promise<Error | null>;
  close(): void;
}

/** Opens connections for syslog://, syslog+tls:// and https:// (infra/log-drains). */
export type DrainConnector = (target: DrainTarget, signal: AbortSignal) => Promise<DrainConnection>;

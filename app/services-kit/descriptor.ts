/** What a service plugin declares: mostly data, plus the few functions only it can know. */
import type { ExecResult } from '../ports/service-engine';

export type Credentials = Readonly<Record<string, string>>;

/** A running service, as the plugin's functions see it. */
export interface ServiceHandle {
  readonly plugin: string;
  readonly name: string;
  /** Container name, also its hostname on the berth network (on swarm: the swarm service's name). */
  readonly container: string;
  readonly credentials: Credentials;
  /**
   * Runs a command in the service container (argument array, no shell unless you ask for one). On
   * swarm, in the task's container when it runs on berth's engine; SERVICE_ON_REMOTE_NODE otherwise.
   */
  exec(command: readonly string[], options?: { stdin?: NodeJS.ReadableStream; stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream; env?: Record<string, string>; tty?: boolean; size?: { cols: number; rows: number } }): Promise<ExecResult>;
  /** Restarts the container and waits until it is ready again. */
  restart(): Promise<void>;
}

export interface ServiceDescriptor {
  /** Image to run; default the manifest's `image`. */
  readonly image?: string;
  /** The port the service listens on inside its container. */
  readonly port: number;
  /** Env var linked apps get by default, e.g. `DATABASE_URL`. */
  readonly envAlias: string;
  /** URL scheme, e.g. `postgres`. */
  readonly scheme: string;
  /** Where the service keeps its data (the named volume is mounted there). */
  readonly dataDir: string;
  /** Extra credentials to generate besides `user`, `password`, `database` (default none). */
  credentials?(base: { name: string; user: string; password: string; database: string }): Record<string, string>;
  /** Env the service container starts with, from the credentials. */
  containerEnv(credentials: Credentials): Record<string, string>;
  /** Connection URL for a host and port; default `<scheme>://<user>:<password>@<host>:<port>/<database>`. */
  connectionUrl?(o: { host: string; port: number; credentials: Credentials }): string;
  /** Command that exits 0 once the service accepts work (run inside the container), after its port opens. */
  readyCommand?(credentials: Credentials): string[];
  /**
   * The interactive client `berth <plugin>:connect` runs in the service container (psql, redis-cli, …),
   * with the user's stdin as its input. Absent: connect is not supported.
   */
  connectCommand?(credentials: Credentials): string[];
  /** Writes a backup of the service's data to `out`. Absent: export is not supported. */
  export?(service: ServiceHandle, out: NodeJS.WritableStream): Promise<void>;
  /** Restores a backup made by `export` from `input`. Absent: import is not supported. */
  import?(service: ServiceHandle, input: NodeJS.ReadableStream): Promise<void>;
  /**
   * Measures a restored copy (after each scheduled backup berth restores it into a throw-away
   * container, docs/backups.md "Verified restores"): row counts per table, a key count and a
   * sample. Absent: berth proves only that the import succeeded.
   */
  verifyRestore?(service: ServiceHandle): Promise<RestoreReport>;
  /**
   * The plugin's own check of a restored copy, after `verifyRestore`: answers what is wrong (empty:
   * nothing). `dumpTail` is the last bytes of the dump as `export` wrote it (a truncated dump lacks
   * its closing line).
   */
  checkRestore?(service: ServiceHandle, o: { report: RestoreReport; dumpTail: Buffer }): Promise<string[]>;
  /**
   * Empties the service's data before an import that must replace it whole (`releases:rollback
   * --restore-data`): a dump re-creates what it holds, but tables a migration made after it would
   * otherwise stay. Absent: the import alone.
   */
  reset?(service: ServiceHandle): Promise<void>;
}

/** What a plugin measured in a restored copy of a backup. */
export interface RestoreReport {
  /** Rows per table (`schema.table` or `table`), for databases with tables. */
  readonly tables?: Readonly<Record<string, number>>;
  /** Keys, for key-value stores. */
  readonly keys?: number;
  /** A few entries read back (key names and types, say), to show the data is readable, not only counted. */
  readonly sample?: readonly string[];
}

/** Default connection URL: user and password percent-encoded. */
export function defaultUrl(scheme: string, o: { host: string; port: number; credentials: Credentials }): string {
  const c = o.credentials;
  const auth = c.user ? `${encodeURIComponent(c.user)}${c.password ? `:${encodeURIComponent(c.password)}` : ''}@` : (c.password ? `:${encodeURIComponent(c.password)}@` : '');
  return `${scheme}://${auth}${o.host}:${o.port}${c.database ? `/${encodeURIComponent(c.database)}` : ''}`;
}

/** Durable state of an app's processes beyond its formation: stopped or not, and its storage mounts. */

export interface ProcessStateStore {
  /** True after `ps:stop` until `ps:start`, a restart or a deploy. */
  isStopped(app: string): boolean;
  setStopped(app: string, stopped: boolean): void;
}

export interface MountRecord {
  readonly app: string;
  /** A docker volume name (`berth-<app>-<name>`) or an absolute host path under `$BERTH_HOME/storage/<app>`. */
  readonly source: string;
  /** Absolute path inside the container. */
  readonly target: string;
  readonly createdAt: string;
}

export interface MountsStore {
  list(app: string): MountRecord[];
  add(mount: Omit<MountRecord, 'createdAt'>): MountRecord;
  /** Removes the mount at `target`; false when there was none. */
  remove(app: string, target: string): boolean;
}

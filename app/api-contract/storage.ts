/** A storage mount of an app: a docker volume or a folder under $BERTH_HOME/storage (shown so to non-admins). */
export interface MountView {
  readonly app: string;
  readonly source: string;
  /** Absolute path inside the container. */
  readonly target: string;
  readonly createdAt: string;
  readonly kind: 'volume' | 'host';
}

/** `GET /api/v1/apps/:app/storage` */
export interface MountsResponse {
  readonly mounts: readonly MountView[];
}

/** `POST /api/v1/apps/:app/storage` (201) and `POST …/storage/unmount`: the mount made or removed. */
export interface MountResponse {
  readonly mount: MountView;
}

/** Their body: `<name or host path>:<container path>`. */
export interface MountRequest {
  readonly mount: string;
}

/** `POST /api/v1/apps/:app/storage/directories` (dokku's storage:ensure-directory). */
export interface StorageDirectoryRequest {
  readonly name: string;
  readonly chown?: string;
}

export interface StorageDirectoryResponse {
  readonly directory: { readonly path: string; readonly owner: number | null };
}

/** Where backup files go: a directory on the host, or a bucket of an S3-compatible store (app/infra/s3). */
export interface BackupObjects {
  /** Copies the local file to `key`, streamed. */
  put(key: string, file: string, size: number): Promise<void>;
  /** The object's bytes as a stream. */
  get(key: string): Promise<NodeJS.ReadableStream>;
  remove(key: string): Promise<void>;
  /** The objects directly below `prefix` (a folder's files; an S3 prefix's keys, `prefix/…`). */
  list(prefix: string): Promise<StoredObject[]>;
}

export interface StoredObject {
  readonly key: string;
  readonly size: number;
  /** ISO time of the last write. */
  readonly modified: string;
}

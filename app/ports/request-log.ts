/** The router's log of requests to apps, read as it grows (infra/nginx implements it). */

/** One request the router passed to (or answered for) an app. */
export interface RequestLine {
  readonly app: string;
  /** When it ended, epoch milliseconds. */
  readonly atMs: number;
  readonly status: number;
  /** From the first byte read from the client to the last byte sent ($request_time). */
  readonly seconds: number;
}

export interface RequestLogChunk {
  /** The whole lines read (a line still being written is left for the next read). */
  readonly lines: readonly RequestLine[];
  /** The log file's identity (device and inode): another one means the log started over. */
  readonly identity: string;
  /** Where the next read starts. */
  readonly position: number;
  /** The file's size when it was read. */
  readonly size: number;
}

export interface RequestLog {
  /** Reads from `position` of the file `identity` (from its start when the file is another or shorter), at most `maxBytes`. */
  read(from: { readonly identity: string; readonly position: number } | null, maxBytes: number): Promise<RequestLogChunk>;
  /** Empties the file when it is still `size` bytes long (nothing was added since it was read); whether it did. */
  cutIfUnchanged(identity: string, size: number): Promise<boolean>;
}

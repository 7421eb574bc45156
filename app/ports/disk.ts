/** What the Docker Engine keeps on disk, for `apps:disk` and `berth cleanup` (infra/docker/disk-engine.ts). */
export interface DiskEngine {
  /** The images named `<repo>:<any tag>`, each image once, with docker's size (all its layers) in bytes. */
  imagesOf(repo: string): Promise<EngineImageSize[]>;
  /** Where a local volume keeps its files on this host; null when there is no such volume. */
  volumeDir(name: string): Promise<string | null>;
  /** Removes dangling (untagged) images created more than `olderThanHours` ago; what docker says it freed. */
  pruneDanglingImages(olderThanHours: number): Promise<{ readonly removed: number; readonly bytes: number }>;
}

export interface EngineImageSize {
  readonly id: string;
  readonly tags: readonly string[];
  readonly bytes: number;
}

/** The router's log files: `nginx/logs`, one access and one error log per app. */
export interface RouterLogFiles {
  readonly dir: string;
  /** Copies each log past `maxBytes` to `<file>.1` (the older `.1` goes) and empties it; the files rotated (`dryRun`: would rotate). */
  rotate(maxBytes: number, o: { readonly dryRun: boolean }): Promise<string[]>;
}

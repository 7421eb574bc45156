/** A read-only look at the pushed source, for detection and Dockerfile generation. */
export interface SourceView {
  /** Paths of regular files, relative, with `/` separators, no leading `./`. */
  files(): readonly string[];
  has(path: string): boolean;
  /** Text of a file (up to 1 MiB), or null when missing. */
  read(path: string): string | null;
}

/** A buildpack (buildpacks/<name>/): detection rules and a Dockerfile built from a template. */
export interface Buildpack {
  readonly name: string;
  /** Human words for what it looks for, e.g. "package.json" — listed when nothing matches. */
  readonly looksFor: string;
  detect(source: SourceView): boolean;
  /** The Dockerfile to build the app with; throws BerthError for a source it cannot build (say what to fix). */
  dockerfile(source: SourceView): string;
}

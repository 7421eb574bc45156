/**
 * What berth takes from a compose file, parsed once at build time and stored with the release
 * (inside `releases.manifest`, beside app.json's fields), so a rollback starts the same services
 * and nothing reads the file again. Each compose service is one berth process type.
 */

export type DependsCondition = 'service_started' | 'service_healthy';

export interface ComposeVolume {
  /** The compose volume name; the docker volume is `berth-app-<app id>-<name>` (appVolumeName). */
  readonly volume: string;
  readonly target: string;
}

export interface ComposeDir {
  readonly dir: string;
  readonly target: string;
}

export interface ComposeService {
  /** The service's name in the file: its network alias on the app's network. */
  readonly name: string;
  /** The berth process type: `web` for the web service, else the service's name. */
  readonly type: string;
  /** A local image (`image:` without `build:`); null: the release's image, built from the repo. */
  readonly image: string | null;
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
  /** The one `build:` every building service shares (berth builds one image per release); null: none builds. */
  readonly build: { readonly context: string; readonly dockerfile: string; readonly args: Readonly<Record<string, string>> } | null;
}

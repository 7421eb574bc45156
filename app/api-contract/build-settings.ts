/** `GET|PATCH /api/v1/apps/:app/builder-dockerfile`: where and how a Dockerfile build runs. */
export interface BuilderDockerfileReport {
  readonly 'dockerfile-path': string;
  /** The repo folder to build (monorepos); null: the whole repo. */
  readonly 'build-dir': string | null;
  readonly buildkit: boolean;
  /** `--build-arg` options; values a viewer may not read are masked. */
  readonly 'docker-options-build': readonly string[];
}

/** `PATCH /api/v1/apps/:app/builder-dockerfile` (a null value unsets the key). */
export interface BuilderDockerfileChange {
  readonly key: string;
  readonly value: string | null;
}

/** `GET|PATCH /api/v1/apps/:app/docker-options`: the build phase's options. */
export interface DockerOptionsResponse {
  readonly build: readonly string[];
}

/** `PATCH /api/v1/apps/:app/docker-options` */
export interface DockerOptionsChange {
  readonly phase: 'build';
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
  readonly clear?: boolean;
}

/** Process types whose checks a deploy leaves out (`_all_`: every one) or skips. */
export interface ChecksView {
  readonly disabled: readonly string[];
  readonly skipped: readonly string[];
}

/** `GET|PATCH /api/v1/apps/:app/checks` */
export interface ChecksResponse {
  readonly checks: ChecksView;
}

/** `POST /api/v1/apps/:app/checks/run`: dokku's checks:run on the running containers. */
export interface ChecksRunResponse {
  readonly passed: boolean;
  readonly lines: readonly string[];
}

/** `GET|PATCH /api/v1/apps/:app/proxy` */
export interface ProxyResponse {
  readonly proxy: { readonly enabled: boolean; readonly type: 'nginx' };
}

/** What berth needs from a container engine. infra/docker implements it with dockerode. */

export interface BuildImageOptions {
  /** Tag the image gets, e.g. `berth/myapp:build-12`. */
  readonly tag: string;
  /** A tar archive of the build context (the app's source). */
  readonly context: NodeJS.ReadableStream;
  /** Path of the Dockerfile inside the context. Default `Dockerfile`. */
  readonly dockerfile?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Build with BuildKit (RUN --mount, COPY --chmod, …) instead of the legacy builder. */
  readonly buildkit?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  /** Memory limit for the build's containers, MiB. */
  readonly memoryMb?: number;
  /** Each line of build output, as docker prints it (no trailing newline). */
  readonly onLog: (line: string) => void;
  /** Aborting stops the build (cancel, timeout). */
  readonly signal?: AbortSignal;
}

export interface BuiltImage {
  readonly id: string;
  /** Lowest TCP port in the image's EXPOSE, or null. */
  readonly exposedPort: number | null;
  /** Every EXPOSEd port as docker lists it (`3000/tcp`, `53/udp`), sorted. */
  readonly exposedPorts: readonly string[];
}

export interface ImageInfo {
  readonly id: string;
  readonly exposedPort: number | null;
  /** The image has a CMD or an ENTRYPOINT. */
  readonly hasCommand: boolean;
  /** Its `repo:tag` names (one image can have several). */
  readonly tags?: readonly string[];
  /** Its `repo@sha256:…` names (images pushed to or pulled from a registry). */
  readonly repoDigests?: readonly string[];
  /** ONBUILD instructions, which run in the build of an image FROM this one. */
  readonly onBuild?: readonly string[];
}

export interface MountSpec {
  /** A volume name or an absolute host path. */
  readonly source: string;
  readonly target: string;
  /** Mounted read-only (compose `:ro`). */
  readonly readOnly?: boolean;
}

export interface RunContainerOptions {
  readonly name: string;
  readonly image: string;
  /** Command; run through `/bin/sh -c` when given as a string. */
  readonly command?: string | readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly network: string;
  readonly memoryMb?: number;
  readonly cpus?: number;
  /** e.g. `unless-stopped`, `on-failure:5`, `no`. */
  readonly restartPolicy?: string;
  readonly mounts?: readonly MountSpec[];
  /** Names the container also answers to on its network (compose service names). */
  readonly aliases?: readonly string[];
  /** Replaces the image's ENTRYPOINT (compose `entrypoint`). */
  readonly entrypoint?: readonly string[];
  readonly workingDir?: string;
  readonly user?: string;
}

export type ContainerState = 'created' | 'running' | 'restarting' | 'exited' | 'paused' | 'dead' | 'removing';

export interface ContainerInfo {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly state: ContainerState;
  /** Address on the given network, when running. */
  readonly ip: string | null;
  /** When it last started (ISO time); only inspectContainer/runContainer report it. */
  readonly startedAt?: string | null;
  /** How many times docker's restart policy restarted it; only inspectContainer reports it. */
  readonly restartCount?: number;
  /** The exit code of its last run (137: killed by SIGKILL); only inspectContainer reports it. */
  readonly exitCode?: number;
  /** Its memory limit in bytes (HostConfig.Memory; 0: none); only inspectContainer reports it. */
  readonly memoryLimitBytes?: number;
  /**
   * How long it has been up, at least, in seconds (a running container in a list: docker's
   * "Up 3 minutes"), so a caller can skip inspecting containers that have run for a while.
   */
  readonly upForSeconds?: number;
}

export interface OneOffOptions extends RunContainerOptions {
  readonly onOutput: (chunk: Buffer) => void;
  readonly stdin?: NodeJS.ReadableStream;
}

/** `docker exec` into a running container (berth enter). */
export interface ExecOptions {
  readonly container: string;
  readonly command: readonly string[];
  /** A terminal: raw output, and the size below applies. */
  readonly tty: boolean;
  readonly size?: { readonly cols: number; readonly rows: number };
  readonly env?: Readonly<Record<string, string>>;
  readonly stdin?: NodeJS.ReadableStream;
  readonly onOutput: (chunk: Buffer) => void;
  /** Aborting closes the session (the process sees its stdin end). */
  readonly signal?: AbortSignal;
}

/** One entry of a container's log. */
export interface ContainerLogLine {
  /** When docker received it: RFC 3339 with nanoseconds, as docker prints it. */
  readonly at: string;
  readonly text: string;
}

export interface ContainerLogOptions {
  /** Keep streaming new lines until the container stops or `signal` aborts. */
  readonly follow: boolean;
  /** Only the last N lines (default all). */
  readonly tail?: number;
  /** Only lines after this time (RFC 3339). */
  readonly since?: string;
  readonly signal?: AbortSignal;
  readonly onLine: (line: ContainerLogLine) => void;
}

export interface ContainerEngine {
  /** Throws BerthError DOCKER_UNAVAILABLE when the engine cannot be reached. */
  ping(): Promise<void>;
  /** Creates a bridge network unless it exists; `forApp`: an app's own, given a subnet of BERTH_APP_SUBNETS. */
  ensureNetwork(name: string, options?: { readonly forApp?: boolean }): Promise<void>;
  /** Removes a named volume; gone: fine; in use: throws. */
  removeVolume(name: string): Promise<void>;
  /** Removes a network, disconnecting whatever is still attached (service containers); gone: fine. */
  removeNetwork(name: string): Promise<void>;
  /**
   * Attaches these running containers (by name) to the network and detaches every other container
   * carrying `label` from it: the set of services an app's network holds. Missing containers are skipped.
   */
  syncNetworkMembers(network: string, o: { readonly label: string; readonly members: readonly string[] }): Promise<void>;
  buildImage(options: BuildImageOptions): Promise<BuiltImage>;
  inspectImage(ref: string): Promise<ImageInfo | null>;
  /** Pulls from its registry (credentials from registry:login when given); progress lines as it goes. */
  pullImage(options: PullImageOptions): Promise<void>;
  tagImage(source: string, repo: string, tag: string): Promise<void>;
  removeImage(ref: string): Promise<void>;
  /** Creates and starts; resolves once docker reports it running (not that it is healthy). */
  runContainer(options: RunContainerOptions): Promise<ContainerInfo>;
  /** Runs to completion, streaming output; resolves with the exit code; removes the container. */
  runOneOff(options: OneOffOptions): Promise<number>;
  listContainers(filter: { readonly labels: Readonly<Record<string, string>> }): Promise<ContainerInfo[]>;
  inspectContainer(idOrName: string): Promise<ContainerInfo | null>;
  /** SIGTERM (or the image's stop signal), then SIGKILL after `timeoutSeconds`. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Stops (SIGTERM, SIGKILL after the timeout) and starts the same container again. */
  restartContainer(id: string, timeoutSeconds: number): Promise<void>;
  /**
   * Open TCP connections to the container's `port` (established or being set up), counted in the
   * container's own network namespace; null when they cannot be counted (not running, no access).
   */
  connectionsTo(id: string, port: number): Promise<number | null>;
  removeContainer(id: string): Promise<void>;
  /** Last `tail` lines of stdout+stderr. */
  containerLogs(id: string, tail: number): Promise<string>;
  /** Runs a command in a running container; resolves with its exit code. */
  exec(options: ExecOptions): Promise<number>;
  /** A container's log lines with their times; resolves when the stream ends. */
  streamLogs(id: string, options: ContainerLogOptions): Promise<void>;
  /** CPU and memory use now (one sample); null when the container is gone or not running. */
  stats(id: string): Promise<ContainerStats | null>;
  /**
   * The exit code of the container's (id or name) last exit within the last `withinSeconds` (docker's `die`
   * events), null when it did not exit then. Inspect cannot say: docker resets it on each restart.
   * Optional: an engine without it reports crashes without their code.
   */
  lastExitCode?(id: string, withinSeconds: number): Promise<number | null>;
}

/** One resource sample of a running container. */
export interface ContainerStats {
  /** Percent of one CPU (200 = two CPUs busy), as `docker stats` shows it. */
  readonly cpuPercent: number;
  /** Memory in use, without the page cache. */
  readonly memoryBytes: number;
  /** The container's memory limit (the host's memory when it has none). */
  readonly memoryLimitBytes: number;
}

export interface PullImageOptions {
  readonly ref: string;
  readonly auth?: { readonly server: string; readonly username: string; readonly password: string } | null;
  readonly onProgress: (line: string) => void;
}

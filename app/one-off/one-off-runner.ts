import { Readable } from 'node:stream';
import { BerthError } from '../errors';
import type { ContainerEngine, ContainerInfo } from '../ports/container-engine';
import type { ReleaseRecord } from '../ports/store';
import { LABEL, containerName, newDeployId } from '../naming/container-names';
import type { LogsService } from '../logs';
import type { AppsReader } from '../apps/apps-reader';
import type { ReleasesReader } from '../releases/releases-reader';

/** Detached one-offs (`run:detached`) one app may have running at once. */
export const MAX_DETACHED = 10;

export interface OneOffRunnerDeps {
  /** The apps and releases modules' reads (their services): a one-off reads no table itself. */
  readonly apps: AppsReader;
  readonly releases: ReleasesReader;
  readonly engine: ContainerEngine;
  readonly logs: LogsService;
  /** The app's environment for a release (config, service URLs, PORT): the Deployer's. */
  readonly envFor: (release: ReleaseRecord) => Record<string, string>;
  /** berth's scope label (the prefix of the app networks). */
  readonly network: string;
  /** The app's storage mounts, re-verified for this start (app/storage mountsForStart). */
  readonly mountsOf: (app: string) => { source: string; target: string }[];
  /** The app's own network, ready with its linked services (the Deployer's prepareNetwork). */
  readonly appNetwork: (app: string) => Promise<string>;
}

export interface OneOffRun {
  readonly app: string;
  /** A string runs through `/bin/sh -c`; a list runs as it is. */
  readonly command: string | readonly string[];
  /** `run`, `cron`, `predeploy`, `postdeploy`: the process label. */
  readonly kind: string;
  /** How its lines show in `berth logs` (default `<kind>.<short id>`). */
  readonly tag?: string;
  /** Default: the app's current release. */
  readonly release?: ReleaseRecord;
  readonly stdin?: NodeJS.ReadableStream;
  readonly onOutput?: (chunk: Buffer) => void;
  /** Aborting stops and removes the container. */
  readonly signal?: AbortSignal;
}

/**
 * One-off containers of an app's release: same image, env, network and mounts as its processes.
 * Output goes to the caller and, line by line, to the app's log archive.
 */
export class OneOffRunner {
  constructor(private readonly deps: OneOffRunnerDeps) {}

  currentRelease(app: string): ReleaseRecord {
    if (!this.deps.apps.find(app)) throw new BerthError('APP_NOT_FOUND', `No app named "${app}"; \`berth apps:list\` shows them.`);
    const release = this.deps.releases.current(app);
    if (!release) throw new BerthError('NO_RELEASE', `${app} has not been deployed yet; push it first.`);
    return release;
  }

  /** Resolves with the command's exit code; the container is removed afterwards. */
  async run(o: OneOffRun): Promise<number> {
    const release = o.release ?? this.currentRelease(o.app);
    const { engine } = this.deps;
    const id = newDeployId();
    const name = containerName(o.app, o.kind, 1, id);
    const record = this.deps.apps.find(o.app);
    const writer = this.deps.logs.oneOffWriter(o.app, o.tag ?? `${o.kind}.${id}`, release.version);
    const stop = (): void => {
      void engine.stopContainer(name, 2).catch(() => undefined).then(() => engine.removeContainer(name)).catch(() => undefined);
    };
    o.signal?.addEventListener('abort', stop, { once: true });
    try {
      const network = await this.deps.appNetwork(o.app);
      return await engine.runOneOff({
        name,
        image: release.image,
        command: typeof o.command === 'string' ? o.command : [...o.command],
        env: this.deps.envFor(release),
        labels: {
          [LABEL.app]: o.app, [LABEL.process]: o.kind, [LABEL.release]: String(release.version),
          [LABEL.scope]: `${this.deps.network}-oneoff`,
        },
        network,
        restartPolicy: 'no',
        memoryMb: record?.memoryMb ?? undefined,
        cpus: record?.cpus ?? undefined,
        mounts: this.mountsOf(o.app),
        stdin: o.stdin,
        onOutput: (chunk) => {
          o.onOutput?.(chunk);
          writer.push(chunk);
        },
      });
    } finally {
      o.signal?.removeEventListener('abort', stop);
      writer.flush();
    }
  }

  /**
   * dokku's `run:detached`: starts the one-off and answers at once with its log tag; the command runs
   * with no input, its output goes to the app's log only. At most MAX_DETACHED run at once per app, so a
   * developer cannot fill the host with background containers.
   */
  async runDetached(o: { app: string; command: string | readonly string[] }): Promise<string> {
    this.currentRelease(o.app);
    const running = await this.deps.engine.listContainers({ labels: { [LABEL.app]: o.app, [LABEL.scope]: `${this.deps.network}-oneoff`, [LABEL.process]: 'run' } });
    if (running.filter((c) => c.state === 'running' || c.state === 'created').length >= MAX_DETACHED) {
      throw new BerthError('ONE_OFF_LIMIT', `${o.app} has ${MAX_DETACHED} one-off containers running already; wait for one to end.`);
    }
    const tag = `run.${newDeployId()}`;
    void this.run({ app: o.app, command: o.command, kind: 'run', tag, stdin: Readable.from([]) }).catch(() => undefined);
    return tag;
  }

  /** The first running container of a process type (lowest slot), or the one of `type.N`, for `berth enter`. */
  async runningContainer(app: string, process: string): Promise<ContainerInfo> {
    this.currentRelease(app);
    const [type, wanted] = process.split('.');
    const all = await this.deps.engine.listContainers({ labels: { [LABEL.app]: app, [LABEL.scope]: this.deps.network, [LABEL.process]: type } });
    const slot = (c: ContainerInfo): number => Number(c.name.split('.')[3]) || 0;
    const running = all.filter((c) => c.state === 'running' && (wanted === undefined || slot(c) === Number(wanted))).sort((a, b) => slot(a) - slot(b));
    if (!running[0]) {
      throw new BerthError('NO_RUNNING_CONTAINER', `${app} has no running ${process} container; \`berth ps ${app}\` shows what runs.`);
    }
    return running[0];
  }

  /** A shell (`/bin/sh`), or the command given, in a running container of the app, through docker exec. */
  async enter(o: {
    app: string; process: string; command?: string[]; tty: boolean; size?: { cols: number; rows: number }; term?: string;
    stdin: NodeJS.ReadableStream; onOutput: (chunk: Buffer) => void; signal: AbortSignal;
  }): Promise<number> {
    const c = await this.runningContainer(o.app, o.process);
    return this.deps.engine.exec({
      container: c.id, command: o.command ?? ['/bin/sh'], tty: o.tty, size: o.size,
      env: o.tty ? { TERM: o.term && /^[\w.+-]{1,64}$/.test(o.term) ? o.term : 'xterm' } : undefined,
      stdin: o.stdin, onOutput: o.onOutput, signal: o.signal,
    });
  }

  private mountsOf(app: string): { source: string; target: string }[] | undefined {
    const mounts = this.deps.mountsOf(app);
    return mounts.length ? mounts : undefined;
  }
}

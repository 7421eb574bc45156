import { BerthError } from '../errors';
import type { ExecOptions, ExecResult, ServiceEngine } from '../ports/service-engine';
import type { ServiceRecord } from '../ports/services';
import type { ImageRegistry, SwarmEngine, SwarmNode, SwarmTask } from '../ports/swarm';
import type { ServiceDescriptor } from './descriptor';
import { containerNameOf, SERVICE_LABEL, volumeNameOf } from './names';
import { tcpOpen } from './service-container';
import { nodesMatching, pickPort } from './swarm-placement';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Pulling the image on a node comes before the service's own start-up. */
const PULL_SECONDS = 120;

export interface SwarmRuntimeDeps {
  readonly swarm: SwarmEngine;
  readonly registry: ImageRegistry;
  /** This engine: exec and volume removal reach only task containers that run here. */
  readonly engine: ServiceEngine;
  /** `berth.scope` of the swarm services (`<network>-swarm`, as for swarm apps). */
  readonly scope: string;
  readonly readyTimeoutSeconds: number;
}

/** Where a swarm service's task runs now. */
export interface SwarmPlace {
  readonly state: string;
  readonly node: string | null;
  readonly nodeId?: string | null;
  /** The node's address: the host of the URL apps get. */
  readonly host: string | null;
}

const isLive = (t: SwarmTask) => t.desiredState === 'running';
const hostOf = (node: SwarmNode | undefined) => (!node?.addr || node.addr === '0.0.0.0' ? '127.0.0.1' : node.addr);

/**
 * A service on swarm: one swarm service (replicas 1) named like the local container, pinned by its
 * placement to the node that keeps its named volume, publishing its port in host mode on a fixed
 * port (no ingress mesh), so the URL `<node address>:<port>` stays valid across task restarts.
 */
export class SwarmRuntime {
  /** Ports `plan` gave services that are not stored yet (their create is still running); see `unplan`. */
  private readonly planned = new Set<number>();

  constructor(private readonly deps: SwarmRuntimeDeps) {}

  async requireSwarm(): Promise<{ nodeId: string }> {
    const s = await this.deps.swarm.status();
    if (!s.active || !s.manager || !s.nodeId) {
      throw new BerthError('SWARM_NOT_ACTIVE', 'This Docker engine is not a manager of an active swarm; run `berth swarm:init --advertise-addr <this host\'s private address>` first (docs/swarm.md), or create the service with `--scheduler docker-local`.');
    }
    return { nodeId: s.nodeId };
  }

  /**
   * The placement a new service keeps for life: the one given, which must match exactly one node
   * (its volume lives there), or `node.id==<this node>`. And a free fixed port, held until `unplan`.
   */
  async plan(o: { placement: readonly string[]; taken: readonly number[] }): Promise<{ placement: string[]; publishedPort: number; local: boolean }> {
    const { nodeId } = await this.requireSwarm();
    let placement = [...o.placement];
    let local = true;
    if (placement.length === 0) {
      placement = [`node.id==${nodeId}`];
    } else {
      const matching = nodesMatching(await this.deps.swarm.nodes(), placement);
      if (matching.length !== 1) {
        throw new BerthError('SERVICE_PLACEMENT_AMBIGUOUS', `${placement.join(',')} matches ${matching.length === 0 ? 'no swarm node' : `${matching.length} nodes (${matching.map((n) => n.hostname).join(', ')})`}; a service's data stays on one node, so its placement must match exactly one.`);
      }
      local = matching[0].id === nodeId;
    }
    return { placement, publishedPort: await pickPort(o.taken, this.planned), local };
  }

  /** Frees a planned port once its service is stored (then `taken`) or its create failed. */
  unplan(port: number): void {
    this.planned.delete(port);
  }

  /** Creates (or updates) the swarm service from the record and waits until it is ready; resolves where it runs. */
  async run(s: ServiceRecord, descriptor: ServiceDescriptor): Promise<SwarmPlace> {
    await this.requireSwarm();
    const existed = (await this.serviceOf(s)) !== null;
    const before = await this.taskIds(s);
    const image = await this.deps.registry.push(s.image, () => undefined);
    const name = containerNameOf(s.plugin, s.name);
    await this.deps.swarm.upsertService({
      name, image, env: descriptor.containerEnv(s.credentials),
      labels: { [SERVICE_LABEL.plugin]: s.plugin, [SERVICE_LABEL.name]: s.name, [SERVICE_LABEL.scope]: this.deps.scope },
      replicas: 1, publishPort: descriptor.port, publishedPort: s.publishedPort ?? undefined,
      restartPolicy: 'always', constraints: [...s.placement],
      mounts: [{ source: volumeNameOf(s.plugin, s.name), target: descriptor.dataDir }],
      // An unchanged spec makes no new task: force one, so the task berth waits for is the one asked
      // for. In the same update: a second one would replace the new task again, maybe once it was ready.
      forceNewTasks: existed,
    });
    const place = await this.waitReady(s, descriptor, before);
    // A new task that failed was rolled back by swarm (UpdateConfig.FailureAction): not what was asked.
    const state = (await this.serviceOf(s))?.updateState ?? '';
    if (state.startsWith('rollback')) throw new BerthError('SERVICE_NOT_READY', `${name}: the new task failed and swarm rolled back to the previous one (${state}).`);
    return place;
  }

  private async serviceOf(s: ServiceRecord) {
    const all = await this.deps.swarm.listServices({ [SERVICE_LABEL.plugin]: s.plugin, [SERVICE_LABEL.name]: s.name, [SERVICE_LABEL.scope]: this.deps.scope });
    return all.find((x) => x.name === containerNameOf(s.plugin, s.name)) ?? null;
  }

  async start(s: ServiceRecord, descriptor: ServiceDescriptor): Promise<SwarmPlace> {
    if (!(await this.serviceOf(s))) return this.run(s, descriptor);
    // Tasks swarm no longer wants running (the stopped one, failed ones) are history and do not count;
    // a task that runs already (start of a started service) does.
    const name = containerNameOf(s.plugin, s.name);
    const history = (await this.deps.swarm.tasks(name).catch(() => [] as SwarmTask[])).filter((t) => !isLive(t)).map((t) => t.id);
    await this.deps.swarm.scaleService(name, 1);
    return this.waitReady(s, descriptor, history);
  }

  async restart(s: ServiceRecord, descriptor: ServiceDescriptor): Promise<SwarmPlace> {
    const before = await this.taskIds(s);
    await this.deps.swarm.restartService(containerNameOf(s.plugin, s.name));
    return this.waitReady(s, descriptor, before);
  }

  /** Scales to 0 and waits until no task runs (the volume stays on its node). */
  async stop(s: ServiceRecord): Promise<void> {
    const name = containerNameOf(s.plugin, s.name);
    await this.deps.swarm.scaleService(name, 0);
    for (let i = 0; i < 100; i++) {
      if (!(await this.deps.swarm.tasks(name)).some((t) => t.state === 'running')) return;
      await sleep(300);
    }
  }

  /**
   * Removes the swarm service. With `removeVolume`, the volume goes too when it is on this engine;
   * resolves the node whose volume berth could not reach (remove it there), or null.
   */
  async remove(s: ServiceRecord, removeVolume: boolean): Promise<string | null> {
    const name = containerNameOf(s.plugin, s.name);
    const tasks = await this.deps.swarm.tasks(name).catch(() => [] as SwarmTask[]);
    await this.deps.swarm.removeService(name);
    // Task containers go a moment after their service: wait for the local ones, which hold the volume.
    for (let i = 0; i < 60; i++) {
      const left = await Promise.all(tasks.filter((t) => t.containerId).map((t) => this.deps.engine.inspect(t.containerId!, '')));
      if (left.every((c) => c === null)) break;
      await sleep(500);
    }
    if (!removeVolume) return null;
    const volume = volumeNameOf(s.plugin, s.name);
    if (await this.deps.engine.inspectVolume(volume)) {
      await this.deps.engine.removeVolume(volume);
      return null;
    }
    const nodes = await this.deps.swarm.nodes();
    const { nodeId } = await this.requireSwarm();
    const remote = nodesMatching(nodes, s.placement).find((n) => n.id !== nodeId);
    return remote ? `${remote.hostname} (${remote.id.slice(0, 12)})` : null;
  }

  async place(s: ServiceRecord): Promise<SwarmPlace> {
    const [tasks, nodes] = await Promise.all([this.deps.swarm.tasks(containerNameOf(s.plugin, s.name)).catch(() => null), this.deps.swarm.nodes().catch(() => [])]);
    if (tasks === null) return { state: 'missing', node: null, host: s.swarmHost };
    const live = tasks.find(isLive);
    if (!live) return { state: tasks.length === 0 ? 'missing' : 'stopped', node: null, host: s.swarmHost };
    const node = nodes.find((n) => n.id === live.nodeId);
    return { state: live.state, node: node?.hostname ?? (live.nodeId || null), nodeId: live.nodeId || null, host: node ? hostOf(node) : s.swarmHost };
  }

  logs(s: ServiceRecord, tail: number): Promise<string> {
    return this.deps.swarm.serviceLogs(containerNameOf(s.plugin, s.name), tail);
  }

  /** Runs a command in the task's container when it runs on this engine; SERVICE_ON_REMOTE_NODE otherwise. */
  async exec(s: ServiceRecord, o: Omit<ExecOptions, 'container'>): Promise<ExecResult> {
    return this.deps.engine.exec({ ...o, container: await this.requireLocal(s) });
  }

  /**
   * The task's container on this engine. Exec goes to one engine, and the manager cannot reach into
   * another node's containers: a task elsewhere is SERVICE_ON_REMOTE_NODE.
   */
  async requireLocal(s: ServiceRecord): Promise<string> {
    const container = await this.localContainer(s);
    if (container) return container;
    const place = await this.place(s);
    const where = place.node ? `on swarm node ${place.node}${place.nodeId ? ` (${place.nodeId.slice(0, 12)})` : ''}, not on this engine` : 'on no node (it is not running)';
    throw new BerthError('SERVICE_ON_REMOTE_NODE', `${s.plugin} service ${s.name} runs ${where}, so berth cannot run commands in it; run them on that node with \`docker exec\`, or place the service on this node.`);
  }

  private async localContainer(s: ServiceRecord): Promise<string | null> {
    const live = (await this.deps.swarm.tasks(containerNameOf(s.plugin, s.name))).find((t) => isLive(t) && t.state === 'running');
    if (!live?.containerId) return null;
    return (await this.deps.engine.inspect(live.containerId, '')) ? live.containerId : null;
  }

  private async taskIds(s: ServiceRecord): Promise<string[]> {
    return (await this.deps.swarm.tasks(containerNameOf(s.plugin, s.name)).catch(() => [] as SwarmTask[])).map((t) => t.id);
  }

  /**
   * Waits for a task that is not one of `before` to run, its port to answer on its node's address,
   * and (when the task runs on this engine) the plugin's ready command to pass.
   */
  private async waitReady(s: ServiceRecord, descriptor: ServiceDescriptor, before: readonly string[]): Promise<SwarmPlace> {
    const name = containerNameOf(s.plugin, s.name);
    const seconds = this.deps.readyTimeoutSeconds + PULL_SECONDS;
    const deadline = Date.now() + seconds * 1000;
    let last = 'no task ran';
    while (Date.now() < deadline) {
      const tasks = (await this.deps.swarm.tasks(name)).filter((t) => !before.includes(t.id));
      // A service never ends by itself: a new task that completed has failed too.
      const failed = tasks.filter((t) => ['failed', 'rejected', 'complete'].includes(t.state));
      if (failed.length >= 3) throw new BerthError('SERVICE_NOT_READY', `${name}: its new tasks keep failing (${failed[0].state}: ${failed[0].error ?? failed[0].message}).`);
      const live = tasks.find((t) => isLive(t) && t.state === 'running');
      if (!live) {
        const pending = tasks.find(isLive);
        last = pending ? `its task is ${pending.state}${pending.error || pending.message ? ` (${pending.error ?? pending.message})` : ''}` : last;
      } else {
        const node = (await this.deps.swarm.nodes()).find((n) => n.id === live.nodeId);
        const host = hostOf(node);
        const port = s.publishedPort ?? live.hostPorts[0];
        if (!(await tcpOpen(host, port))) {
          last = `${host}:${port} does not accept connections`;
        } else if (descriptor.readyCommand && live.containerId && (await this.deps.engine.inspect(live.containerId, ''))) {
          const r = await this.deps.engine.exec({ container: live.containerId, command: descriptor.readyCommand(s.credentials) });
          if (r.exitCode === 0) return { state: 'running', node: node?.hostname ?? null, host };
          last = `its ready check fails (${(r.stderr || r.output).trim().split('\n').pop() ?? `exit ${r.exitCode}`})`;
        } else {
          // On another node berth cannot exec: an open port is the readiness it can see.
          return { state: 'running', node: node?.hostname ?? null, host };
        }
      }
      await sleep(500);
    }
    throw new BerthError('SERVICE_NOT_READY', `${name} was not ready after ${seconds}s: ${last}.`);
  }
}

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, startBerth, uniqueName, type BerthProcess, type CliResult } from './berth-process';
import { NetnsDocker } from './netns-docker';
import { waitFor } from './poll';
import { skipBecause } from './skip';

const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });

/** A swarm a test file made (or joined), a berth on it, and how to take it all down again. */
export interface SwarmCluster {
  readonly berth: BerthProcess;
  /** The loopback port of berth's registry (BERTH_REGISTRY_PORT). */
  readonly registryPort: number;
  /** The worker in a network namespace; null for a single-node swarm. */
  readonly node2: NetnsDocker | null;
  /**
   * When berth made the swarm (`berth swarm:init`): what `before` returned on the berth without a
   * swarm, and swarm:init's output. Null when a swarm this engine manages was already there.
   */
  readonly init: { before: unknown; output: CliResult } | null;
  /** The swarm services this berth made (apps and services carry `berth.scope=<network>-swarm`). */
  services(): string[];
  /**
   * Removes the services, waits for their containers, stops the registry and berth, leaves the
   * swarm it made, stops node2, then untags the registry copies and removes the test's images.
   */
  destroy(): Promise<void>;
}

export interface SwarmClusterOptions {
  /** More environment for berth (BERTH_REGISTRY_PORT is set here). */
  readonly env?: Record<string, string>;
  /** Environment for berth that names node2 (its addresses), for startTwoNodeSwarm. */
  readonly envFor?: (node2: NetnsDocker) => Record<string, string>;
  /**
   * References of images the test owns (a prefix ends in `:`, e.g. `berth/<app>:`): removed by id,
   * with every tag they carry, on destroy. Never name a shared image here.
   */
  readonly ownImages?: readonly string[];
}

interface Parts {
  berth: BerthProcess | null;
  init: { before: unknown; output: CliResult } | null;
  node2: NetnsDocker | null;
  createdSwarm: boolean;
  registryPort: number;
  registryAddr: string;
  ownImages: readonly string[];
}

/** Marks a swarm these helpers made, so one a killed test run left behind is recognised as ours. */
const TEST_SWARM_LABEL = 'berth.test-swarm';

const swarmState = (): string => docker('info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}').stdout.trim();

/**
 * This engine's swarm state after leaving a swarm the project's tests made and a killed run left
 * behind (labelled). A swarm someone else made is a reason outside the project: with `mustBeFree`
 * the test skips naming it (test/run.sh fails the run unless BERTH_ALLOW_SKIP names it); without,
 * a swarm this engine manages is used and left in place.
 */
function freeSwarm(ctx: Mocha.Context, mustBeFree: boolean): string {
  let state = swarmState();
  if (state === 'active true' && docker('node', 'inspect', 'self', '--format', `{{index .Spec.Labels "${TEST_SWARM_LABEL}"}}`).stdout.trim() === 'yes') {
    must(docker('swarm', 'leave', '--force'));
    state = swarmState();
  }
  if (state.startsWith('inactive') || (!mustBeFree && state === 'active true')) return state;
  return skipBecause(ctx, `this Docker Engine is in a swarm berth's tests did not make (state "${state}"); they will not leave or change it`);
}

/** Labels the swarm just made as the tests' own; a failed label leaves the swarm again (nothing half-made stays). */
function labelSwarm(): void {
  const self = docker('info', '--format', '{{.Swarm.NodeID}}').stdout.trim();
  const labelled = docker('node', 'update', '--label-add', `${TEST_SWARM_LABEL}=yes`, self);
  if (labelled.status !== 0) {
    docker('swarm', 'leave', '--force');
    must(labelled);
  }
}

/**
 * This engine as the manager (advertising the host side of a veth pair) and a second dockerd in a
 * network namespace as a worker; berth's loopback registry port is forwarded into the namespace so
 * an image name means the same on both engines. Skips (naming why) only when this engine is in a
 * swarm someone else made.
 */
export async function startTwoNodeSwarm(ctx: Mocha.Context, o: SwarmClusterOptions = {}): Promise<SwarmCluster> {
  freeSwarm(ctx, true);
  const parts: Parts = { berth: null, init: null, node2: null, createdSwarm: false, registryPort: await freePort(), registryAddr: '127.0.0.1', ownImages: o.ownImages ?? [] };
  try {
    const node2 = parts.node2 = new NetnsDocker();
    await node2.start();
    must(docker('swarm', 'init', '--advertise-addr', node2.hostAddr));
    parts.createdSwarm = true;
    labelSwarm();
    const token = docker('swarm', 'join-token', '-q', 'worker').stdout.trim();
    must(node2.docker('swarm', 'join', '--token', token, `${node2.hostAddr}:2377`));
    await waitFor('both swarm nodes Ready', () => docker('node', 'ls', '--format', '{{.Status}}').stdout.split('\n').filter((s) => s === 'Ready').length === 2, 30_000);
    node2.forwardLoopback(parts.registryPort);
    parts.berth = await startBerth({ ...o.env, ...o.envFor?.(node2), BERTH_REGISTRY_PORT: String(parts.registryPort) });
  } catch (e) {
    await tearDown(parts);
    throw e;
  }
  return cluster(parts);
}

/**
 * A single-node swarm on this engine, made by `berth swarm:init` (unless this engine already
 * manages one, which is then used and left in place). `before` runs on the berth before the swarm
 * exists (to see what berth says without one). Skips (naming why) when this engine is in a swarm
 * it does not manage. `advertiseAddr` and `registryAddr` default to loopback; a run against
 * an engine in a network namespace passes the veth addresses.
 */
export async function startSingleNodeSwarm(ctx: Mocha.Context, o: SwarmClusterOptions & {
  advertiseAddr?: string; registryAddr?: string; before?: (berth: BerthProcess) => Promise<unknown>;
} = {}): Promise<SwarmCluster> {
  const state = freeSwarm(ctx, false);
  const parts: Parts = { berth: null, init: null, node2: null, createdSwarm: false, registryPort: await freePort(), registryAddr: o.registryAddr ?? '127.0.0.1', ownImages: o.ownImages ?? [] };
  try {
    parts.berth = await startBerth({ ...o.env, BERTH_REGISTRY_PORT: String(parts.registryPort) });
    if (state.startsWith('inactive')) {
      const before = await o.before?.(parts.berth);
      const output = parts.berth.cli(['swarm:init', '--advertise-addr', o.advertiseAddr ?? '127.0.0.1']);
      parts.createdSwarm = docker('info', '--format', '{{.Swarm.LocalNodeState}}').stdout.startsWith('active');
      if (output.code !== 0) throw new Error(`berth swarm:init failed: ${output.stderr || output.stdout}`);
      labelSwarm();
      parts.init = { before, output };
    }
  } catch (e) {
    await tearDown(parts);
    throw e;
  }
  return cluster(parts);
}

/** What berth says before the swarm exists: `nodes`, and scheduler:set swarm on a new app. */
export interface WithoutSwarm { nodes: CliResult; set: CliResult; schedulerAfter: string }
export async function withoutSwarm(b: BerthProcess): Promise<WithoutSwarm> {
  const pre = uniqueName('swpre');
  const created = await b.api('POST', '/api/v1/apps', { name: pre });
  if (created.status !== 201) throw new Error(created.text);
  const set = b.cli(['scheduler:set', pre, 'swarm']);
  const schedulerAfter = (await b.api('GET', `/api/v1/apps/${pre}/scheduler`)).json.scheduler.scheduler as string;
  return { nodes: b.cli(['nodes']), set, schedulerAfter };
}

function must(r: { status: number | null; stderr: string; stdout: string }): void {
  if (r.status !== 0) throw new Error(r.stderr || r.stdout);
}

function cluster(parts: Parts): SwarmCluster {
  return {
    berth: parts.berth!,
    registryPort: parts.registryPort,
    node2: parts.node2,
    init: parts.init,
    services: () => servicesOf(parts.berth!),
    destroy: () => tearDown(parts),
  };
}

function servicesOf(berth: BerthProcess): string[] {
  return docker('service', 'ls', '--filter', `label=berth.scope=${berth.env.BERTH_NETWORK}-swarm`, '--format', '{{.Name}}').stdout.split('\n').filter(Boolean);
}

async function tearDown(parts: Parts): Promise<void> {
  const { berth, node2 } = parts;
  if (berth) {
    for (const s of servicesOf(berth)) docker('service', 'rm', s);
    // Removing a service stops its tasks' containers a moment later; their images can go after that.
    const scope = `label=berth.scope=${berth.env.BERTH_NETWORK}-swarm`;
    await waitFor('the services\' containers to go', () => docker('ps', '-aq', '--filter', scope).stdout.trim() === '', 30_000).catch(() => undefined);
    const pidFile = path.join(berth.home, 'registry', 'registry.pid');
    if (fs.existsSync(pidFile)) { try { process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGTERM'); } catch { /* gone */ } }
    await berth.destroy();
  }
  node2?.docker('swarm', 'leave', '--force');
  if (parts.createdSwarm) docker('swarm', 'leave', '--force');
  await node2?.destroy();
  // The registry copies by reference (tasks pulled them by digest, which leaves `<repo>@<digest>`
  // only): by id would also remove the images they were pushed from, shared ones (berth/busybox,
  // berth/service-redis) among them.
  const registry = `${parts.registryAddr}:${parts.registryPort}/`;
  // The CA berth gave this host's engine for its registry (registry-secrets.ts).
  fs.rmSync(`/etc/docker/certs.d/${parts.registryAddr}:${parts.registryPort}`, { recursive: true, force: true });
  const copies = docker('images', '--digests', '--format', '{{.Repository}}|{{.Tag}}|{{.Digest}}').stdout.split('\n')
    .filter((r) => r.startsWith(registry))
    .map((r) => { const [repo, tag, digest] = r.split('|'); return tag !== '<none>' ? `${repo}:${tag}` : `${repo}@${digest}`; });
  for (const ref of new Set(copies)) docker('rmi', ref);
  const own = docker('images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}').stdout.split('\n')
    .filter((r) => parts.ownImages.some((p) => r.startsWith(p.endsWith(':') ? p : `${p} `)));
  if (own.length > 0) docker('rmi', '-f', ...new Set(own.map((r) => r.split(' ')[1])));
}

import type { ContainerEngine, ContainerInfo } from '../ports/container-engine';
import type { Store } from '../ports/store';
import { LABEL, tryCheck, type Deployer } from '../deploys';
import { livenessChecks, type HealthCheck } from '../manifest';
import type { AppsReader } from '../apps/apps-reader';
import type { ReleasesReader } from '../releases/releases-reader';

export interface LivenessMonitorDeps {
  readonly store: Pick<Store, 'processState'>;
  readonly apps: AppsReader;
  readonly releases: ReleasesReader;
  readonly engine: ContainerEngine;
  /** Lists the app's containers and reaches them (checkTarget); swarm apps are left to swarm. */
  readonly deployer: Deployer;
  /** Whether docker-local runs the app (else its scheduler watches its processes); default: all. */
  readonly runsLocally?: (app: string) => boolean;
  readonly events: { record(e: { app: string; kind: 'ps.unhealthy'; message: string; user: null }): unknown };
  /** How often the monitor looks for due checks (ms); each check runs every its own `wait`. */
  readonly tickMs?: number;
  readonly now?: () => number;
}

interface CheckState { due: number; failures: number; running: boolean }

/**
 * app.json `liveness` checks keep running once a release serves (the worker role): each running
 * container of the current release is tried every `wait` seconds (from `initialDelay` after it
 * started); after `attempts` failures in a row it is restarted and a `ps.unhealthy` event says why.
 */
export class LivenessMonitor {
  private timer: NodeJS.Timeout | null = null;
  /** `<container id>/<check name>` → when it is next due and its failures in a row. */
  private readonly state = new Map<string, CheckState>();
  /** Container id → no checks before this time (it is being restarted, or just was). */
  private readonly pausedUntil = new Map<string, number>();
  private log: (line: string) => void = () => undefined;

  constructor(private readonly deps: LivenessMonitorDeps) {}

  private now(): number { return this.deps.now?.() ?? Date.now(); }

  start(log: (line: string) => void): void {
    this.log = log;
    const tick = (): void => {
      void this.pass().catch((e: Error) => this.log(`liveness: ${e.message}`)).finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.deps.tickMs ?? 1000);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One look at every app: starts the checks that are due (without waiting for them). */
  async pass(): Promise<void> {
    const seen = new Set<string>();
    for (const app of this.deps.apps.list()) {
      const release = this.deps.releases.current(app.name);
      if (!release || this.deps.store.processState.isStopped(app.name) || this.deps.runsLocally?.(app.name) === false) continue;
      const types = Object.keys(release.manifest.healthchecks).filter((t) => livenessChecks(release.manifest, t).length > 0);
      if (types.length === 0) continue;
      const containers = (await this.deps.deployer.containersOf(app.name)).filter((c) =>
        c.state === 'running' && c.labels[LABEL.release] === String(release.version) && types.includes(c.labels[LABEL.process] ?? ''));
      for (const c of containers) {
        for (const check of livenessChecks(release.manifest, c.labels[LABEL.process]!)) {
          const key = `${c.id}/${check.name}`;
          seen.add(key);
          this.maybeRun(key, c, check, release.port);
        }
      }
    }
    for (const key of this.state.keys()) if (!seen.has(key)) this.state.delete(key);
    for (const id of this.pausedUntil.keys()) if (![...seen].some((k) => k.startsWith(`${id}/`))) this.pausedUntil.delete(id);
  }

  private maybeRun(key: string, c: ContainerInfo, check: HealthCheck, port: number): void {
    if ((this.pausedUntil.get(c.id) ?? 0) > this.now()) return;
    let s = this.state.get(key);
    if (!s) {
      // First seen now (lists carry no start time): it has served since the release went live.
      s = { due: this.now() + check.initialDelay * 1000, failures: 0, running: false };
      this.state.set(key, s);
    }
    if (s.running || this.now() < s.due) return;
    s.running = true;
    const state = s;
    void (async () => {
      try {
        const reason = await tryCheck(check, this.deps.deployer.checkTarget(c, port));
        state.failures = reason === null ? 0 : state.failures + 1;
        if (reason !== null && state.failures >= check.attempts) await this.restart(c, check, reason);
      } finally {
        state.running = false;
        state.due = this.now() + Math.max(1, check.wait) * 1000;
      }
    })().catch((e: Error) => this.log(`liveness ${c.name}: ${e.message}`));
  }

  private async restart(c: ContainerInfo, check: HealthCheck, reason: string): Promise<void> {
    const app = c.labels[LABEL.app]!;
    const what = `${c.labels[LABEL.process]} container ${c.name}`;
    const message = `restarted ${what}: liveness check "${check.name}" failed ${check.attempts} time${check.attempts === 1 ? '' : 's'} in a row (${reason})`;
    this.log(`${app}: ${message}`);
    // No checks while it restarts; afterwards they start over from initialDelay (plus one wait for
    // the process to boot), so a slow stop or boot does not count as failures.
    this.pausedUntil.set(c.id, Infinity);
    try {
      this.deps.events.record({ app, kind: 'ps.unhealthy', message, user: null });
      // SIGKILL after the app's stop-timeout (ps:set, else BERTH_STOP_TIMEOUT), as for any stop.
      await this.deps.engine.restartContainer(c.id, this.deps.deployer.drainSettingsOf(app).stopTimeoutSeconds);
      // docker may hand the restarted container a new address.
      if (c.labels[LABEL.process] === 'web') await this.deps.deployer.route(app);
    } finally {
      for (const key of [...this.state.keys()]) if (key.startsWith(`${c.id}/`)) this.state.delete(key);
      this.pausedUntil.set(c.id, this.now() + (check.initialDelay + Math.max(1, check.wait)) * 1000);
    }
  }
}

import type { ContainerEngine, ContainerInfo } from '../ports/container-engine';
import type { LockService } from '../ports/lock';
import type { Router } from '../ports/router';
import type { Store } from '../ports/store';
import { LABEL, type Deployer } from '../deploys';
import { converge } from './converge';
import type { AppsReader } from '../apps/apps-reader';
import type { ReleasesReader } from '../releases/releases-reader';
import { RepeatingPass } from './repeating-pass';

export interface ReconcilerDeps {
  /** The processes module's own stopped marks; apps and live releases through their owners. */
  readonly store: Pick<Store, 'processState'>;
  readonly apps: AppsReader;
  readonly releases: Pick<ReleasesReader, 'current'>;
  readonly engine: ContainerEngine;
  readonly router: Router;
  readonly locks: LockService;
  readonly deployer: Deployer;
  /** The scheduler that runs an app (SchedulerRegistry.for): only docker-local apps converge here; others are routed by theirs. */
  readonly schedulerOf?: (app: string) => { readonly name: string; route(app: string): Promise<void> };
  readonly intervalSeconds: number;
  /** Where crashes are recorded (`ps.crashed` events); none in unit tests. */
  readonly events?: { record(e: { app: string; kind: 'ps.crashed'; message: string; user: null }): unknown };
  /** Told with each recorded crash (app/notifications' `app.crashing`); must not throw or wait. */
  readonly onCrash?: (app: string, container: string, detail: string) => void;
  /** The clock; tests pass their own. */
  readonly now?: () => number;
}

/** At most one `ps.crashed` event per container this often, however fast it crash-loops. */
const CRASH_EVENT_EVERY_MS = 60_000;

/**
 * A container berth created but that never started (dockerd went away between create and start)
 * stays `created` for ever: docker's restart policy only restarts containers that ran. Deploys
 * create and start within a second, under the app lock this pass also takes, so one seen `created`
 * this long is stuck and gets replaced.
 */
const STUCK_CREATED_MS = 30_000;

export interface PassSummary {
  readonly apps: number;
  readonly skipped: string[];
  /** Apps whose reconcile failed (their error logged), e.g. the engine went away mid-pass. */
  readonly failed: number;
  readonly started: number;
  readonly removed: number;
}

/**
 * Makes what runs match what SQLite says, every `intervalSeconds`: starts missing containers,
 * removes those of old releases and of apps that are gone, and rewrites the router when
 * addresses changed (a dockerd restart can hand out new ones). Each app is handled under its
 * queue lock (`app:<name>`), so a pass never races a deploy; apps mid-deploy wait for the next pass.
 */
export class Reconciler {
  private readonly passes = new RepeatingPass<PassSummary>(() => this.runPass());
  /** One line per change made, and per app that failed to reconcile. */
  private log: (line: string) => void = () => undefined;
  /** Container id → when its last crash event was recorded and the restart count it reported. */
  private readonly crashSeen = new Map<string, { at: number; restarts: number }>();
  /** Container id → when a pass first saw it `created` (see STUCK_CREATED_MS). */
  private readonly createdSeen = new Map<string, number>();
  /**
   * After a host boot: apps whose down containers are replaced whatever the restart policy (dockerd
   * starts only `unless-stopped`/`always` ones, but every app not stopped ran before the boot). Null
   * before the first pass knows the apps; each app leaves once reconciled (a skipped one next pass).
   */
  private restoreAfterBoot: Set<string> | null = null;
  private afterBoot = false;
  /**
   * A pass could not list containers (dockerd away: restarted, upgraded) and no whole pass has run
   * since. A container `created` then was created before the engine went away (under the app's lock
   * nobody else creates one), so its start is lost: replaced at once, not after STUCK_CREATED_MS.
   */
  private engineWasAway = false;

  constructor(private readonly deps: ReconcilerDeps) {}

  private now(): number { return this.deps.now?.() ?? Date.now(); }

  private stuckInCreated(id: string): boolean {
    const first = this.createdSeen.get(id) ?? this.now();
    this.createdSeen.set(id, first);
    return this.now() - first >= STUCK_CREATED_MS;
  }

  /** Runs a pass now, then one every interval (each after the previous ended); `afterBoot`: the host just booted. */
  start(log: (line: string) => void, o: { afterBoot?: boolean } = {}): void {
    this.log = log;
    this.afterBoot = o.afterBoot === true;
    let first = true;
    let failedBefore = false;
    this.passes.start(this.deps.intervalSeconds * 1000, (e) => this.log(`reconcile: ${e.message}`), (done, ms) => {
      // The pass after a start (of berth, or of dockerd under it) is the one that can be long: say how long.
      if (first && done) this.log(`reconcile: first pass over ${done.apps} apps in ${ms} ms`);
      // And the first whole one after a pass that failed (dockerd was away: restarted, upgraded) or
      // failed some apps (it went away mid-pass): the pass that puts back what the engine lost.
      const whole = done !== null && done.failed === 0;
      if (failedBefore && whole) this.log(`reconcile: pass over ${done.apps} apps in ${ms} ms after a failed one (started ${done.started}, removed ${done.removed})`);
      failedBefore = !whole;
      first = false;
    });
  }

  stop(): Promise<void> {
    return this.passes.stop();
  }

  /** One pass over every app; concurrent callers share the pass in progress. */
  pass(): Promise<PassSummary> {
    return this.passes.pass();
  }

  private async runPass(): Promise<PassSummary> {
    const { store, engine, router, deployer } = this.deps;
    // Retirements a restart of berth interrupted go on where they were (their rows are in SQLite).
    deployer.resumeRetirements();
    const listed = await engine.listContainers({ labels: { [LABEL.scope]: deployer.network } }).catch((e: Error) => {
      this.engineWasAway = true;
      throw e;
    });
    this.forgetGone(listed);
    const all = listed.filter((c) => !deployer.isRetiring(c.id));
    const known = new Set(this.deps.apps.list().map((a) => a.name));
    if (this.afterBoot) {
      this.restoreAfterBoot = new Set(known);
      this.afterBoot = false;
    }
    const names = new Set([...known, ...all.map((c) => c.labels[LABEL.app]).filter((a): a is string => !!a)]);
    const summary = { apps: 0, skipped: [] as string[], failed: 0, started: 0, removed: 0 };
    for (const app of names) {
      const release = await this.deps.locks.tryAcquire(`app:${app}`);
      if (!release) { summary.skipped.push(app); continue; }
      try {
        const done = await this.reconcileApp(app, known.has(app));
        this.restoreAfterBoot?.delete(app);
        summary.apps++;
        summary.started += done.started;
        summary.removed += done.removed;
      } catch (e) {
        summary.failed++;
        this.log(`reconcile ${app}: ${(e as Error).message}`);
      } finally {
        await release();
      }
    }
    for (const app of await router.listApps()) {
      if (!known.has(app)) await router.remove(app).catch(() => undefined);
    }
    if (summary.failed === 0) this.engineWasAway = false;
    return summary;
  }

  private async reconcileApp(app: string, exists: boolean): Promise<{ started: number; removed: number }> {
    const { store, deployer } = this.deps;
    const containers = await deployer.containersOf(app);
    const release = exists ? this.deps.releases.current(app) : null;
    const scheduler = exists ? this.deps.schedulerOf?.(app) : undefined;
    if (!release || store.processState.isStopped(app)) {
      // Gone, never deployed, or stopped: nothing of it should run.
      if (exists && release) await (scheduler ?? deployer).route(app);
      await this.remove(app, containers, !exists ? 'its app is gone' : !release ? 'the app has no release' : 'the app is stopped');
      return { started: 0, removed: containers.length };
    }
    if (scheduler && scheduler.name !== 'docker-local') {
      // Its processes run on another scheduler: its route is that one's, and no local container should be left.
      await scheduler.route(app);
      await this.remove(app, containers, `the app runs on ${scheduler.name}`);
      return { started: 0, removed: containers.length };
    }
    await this.noteCrashes(app, containers.filter((c) => c.labels[LABEL.release] === String(release.version)));
    const policy = this.restoreAfterBoot?.has(app) ? 'unless-stopped' : this.deps.apps.find(app)?.restartPolicy ?? 'unless-stopped';
    const done = await converge(deployer, release, {
      log: (line) => this.log(`reconcile ${app}: ${line.replace(/^-----> /, '')}`),
      // With `no` or `on-failure` docker's policy has the last word on a container that exited;
      // a container that never started is berth's to replace, once it is clearly stuck.
      replaceDown: (c) => (c.state === 'created' ? this.engineWasAway || this.stuckInCreated(c.id) : policy !== 'no' && !policy.startsWith('on-failure')),
    });
    const orphans = containers.filter((c) => c.labels[LABEL.release] !== String(release.version));
    await this.remove(app, orphans, 'they belong to an old release');
    return { started: done.started, removed: done.removed + orphans.length };
  }

  /**
   * Records a `ps.crashed` event for live-release containers that are down, being restarted by
   * docker, or whose restart count grew since the last look; rate-limited per container.
   */
  private async noteCrashes(app: string, containers: ContainerInfo[]): Promise<void> {
    const now = this.now();
    for (const listed of containers) {
      if (listed.state === 'created' || listed.state === 'removing' || listed.state === 'paused') continue;
      const seen = this.crashSeen.get(listed.id);
      const c = listed.state === 'running' && !seen ? listed : (await this.deps.engine.inspectContainer(listed.id).catch(() => null)) ?? listed;
      const restarts = c.restartCount ?? 0;
      const down = c.state !== 'running';
      if (!down && restarts <= (seen?.restarts ?? 0)) continue;
      if (seen && now - seen.at < CRASH_EVENT_EVERY_MS) continue;
      this.crashSeen.set(c.id, { at: now, restarts });
      const what = down ? `is ${c.state}` : 'restarted';
      const message = `${c.name} ${what} (docker restarted it ${restarts} time${restarts === 1 ? '' : 's'})`;
      this.log(`reconcile ${app}: ${message}`);
      this.deps.events?.record({ app, kind: 'ps.crashed', message, user: null });
      this.deps.onCrash?.(app, c.name, message.slice(c.name.length + 1));
    }
  }

  /** How many containers' crash history is held (bounded by the containers that exist). */
  get crashesTracked(): number { return this.crashSeen.size; }

  /** Drops what the maps hold for containers that are gone (or no longer `created`), so they stay bounded. */
  private forgetGone(present: readonly ContainerInfo[]): void {
    const states = new Map(present.map((c) => [c.id, c.state]));
    for (const id of this.crashSeen.keys()) if (!states.has(id)) this.crashSeen.delete(id);
    for (const id of this.createdSeen.keys()) if (states.get(id) !== 'created') this.createdSeen.delete(id);
  }

  private async remove(app: string, containers: ContainerInfo[], why: string): Promise<void> {
    if (containers.length === 0) return;
    this.log(`reconcile ${app}: removing ${containers.map((c) => c.name).join(', ')}: ${why}`);
    await this.deps.deployer.removeAll(containers);
  }
}

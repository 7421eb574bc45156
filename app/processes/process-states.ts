import type { ReleaseRecord, Store } from '../ports/store';
import { runningTypes } from '../deploys';
import type { ProcessesWriter } from './processes-reader';

/**
 * The processes module's own tables (formation: the counts ps:scale set; processState: stopped or
 * not) as other modules may read and change them. The deployer, the swarm scheduler, the app
 * runtime and the build runner receive these methods (structurally) instead of the tables.
 */
export class ProcessStates implements ProcessesWriter {
  constructor(private readonly store: Pick<Store, 'formation' | 'processState'>) {}

  /** True after `ps:stop` until `ps:start`, a restart or a deploy. */
  isStopped(app: string): boolean {
    return this.store.processState.isStopped(app);
  }

  setStopped(app: string, stopped: boolean): void {
    this.store.processState.setStopped(app, stopped);
  }

  /** Process type → count the app set (ps:scale or adopted from app.json); types it never set are absent. */
  formationOf(app: string): Record<string, number> {
    return this.store.formation.get(app);
  }

  /**
   * Called when a release went live: once app.json's formation has been applied, its counts are
   * the app's own, so later app.json changes do not rescale.
   */
  adoptFormation(release: ReleaseRecord): void {
    const own = this.store.formation.get(release.app);
    const adopted = Object.fromEntries(runningTypes(release)
      .filter((t) => own[t] === undefined && release.manifest.formation[t] !== undefined)
      .map((t) => [t, release.manifest.formation[t]]));
    if (Object.keys(adopted).length > 0) this.store.formation.set(release.app, adopted);
  }
}

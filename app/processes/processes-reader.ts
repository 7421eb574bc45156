import type { ReleaseRecord } from '../ports/store';

/**
 * What other modules may read of the processes module's tables (formation, stopped state), through
 * its ProcessStates, instead of reading `store.formation` or `store.processState` themselves.
 * A leaf file (types only), so the deployer and schedulers can name it without an import cycle.
 */
export interface ProcessesReader {
  /** True after `ps:stop` until `ps:start`, a restart or a deploy. */
  isStopped(app: string): boolean;
  /** Process type → count the app set (ps:scale, or adopted from app.json). */
  formationOf(app: string): Record<string, number>;
}

/** What other modules may change: the stopped mark (destroy, swarm ps:stop) and the formation a live release adopts. */
export interface ProcessesWriter extends ProcessesReader {
  setStopped(app: string, stopped: boolean): void;
  adoptFormation(release: ReleaseRecord): void;
}

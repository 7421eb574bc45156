import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventRecord, EventsStore } from '../ports/store';

/** Where a change came from, for the audit trail. */
export type EventSource = 'api' | 'cli' | 'git' | 'dashboard' | 'ssh' | 'webhook';

export type EventKind =
  | 'app.created' | 'app.renamed' | 'app.destroyed' | 'app.locked' | 'app.unlocked' | 'config.changed'
  | 'build.queued' | 'build.succeeded' | 'build.failed' | 'build.cancelled'
  | 'release.created' | 'release.snapshot' | 'release.data-restored' | 'deploy.succeeded' | 'deploy.failed' | 'deploy.unhealthy' | 'ps.scaled' | 'domains.changed' | 'rollback'
  | 'router.changed' | 'certs.changed'
  | 'ps.restarted' | 'ps.stopped' | 'ps.started' | 'ps.settings' | 'ps.reconciled' | 'ps.crashed' | 'ps.unhealthy' | 'ps.retired' | 'storage.changed'
  | 'service.created' | 'service.destroyed' | 'service.changed' | 'service.linked' | 'service.unlinked' | 'service.backup' | 'service.backup-failed' | 'service.restore-verified' | 'service.restore-failed' | 'service.restore-stale' | 'berth.backup' | 'berth.backup-failed' | 'plugin.changed'
  | 'access.changed' | 'swarm.changed'
  | 'git.synced' | 'webhook.changed' | 'webhook.received' | 'webhook.refused'
  | 'cleanup.ran' | 'disk.low' | 'logs.drains';

/** The audit trail: what happened to which app, by whom. */
export class EventsService {
  /** The source of the request being served, so every service's events carry it without passing it along. */
  private readonly context = new AsyncLocalStorage<EventSource>();

  constructor(private readonly store: EventsStore) {}

  /** Runs fn (and everything it starts) with events attributed to source. */
  withSource<T>(source: EventSource, fn: () => T): T {
    return this.context.run(source, fn);
  }

  record(event: { app: string | null; kind: EventKind; message: string; user: string | null; source?: EventSource }): EventRecord {
    return this.store.add({ ...event, source: event.source ?? this.context.getStore() ?? null });
  }

  /** Retention (`berth cleanup`): removes, or with `dryRun` counts, the events recorded before `at`. */
  pruneBefore(at: string, o: { dryRun: boolean }): number {
    return this.store.pruneBefore(at, o);
  }

  list(filter: { app?: string; limit?: number }): EventRecord[] {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    return this.store.list({ app: filter.app, limit });
  }
}

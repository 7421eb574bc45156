import type { EventRecord, EventsStore } from '../ports/store';

export type EventKind =
  | 'app.created' | 'app.renamed' | 'app.destroyed' | 'config.changed'
  | 'build.queued' | 'build.succeeded' | 'build.failed' | 'build.cancelled'
  | 'release.created' | 'deploy.succeeded' | 'deploy.failed' | 'ps.scaled' | 'domains.changed' | 'rollback'
  | 'router.changed' | 'certs.changed'
  | 'ps.restarted' | 'ps.stopped' | 'ps.started' | 'ps.settings' | 'ps.reconciled' | 'storage.changed'
  | 'service.created' | 'service.destroyed' | 'service.changed' | 'service.linked' | 'service.unlinked' | 'plugin.changed';

/** The audit trail: what happened to which app, by whom. */
export class EventsService {
  constructor(private readonly store: EventsStore) {}

  record(event: { app: string | null; kind: EventKind; message: string; user: string | null }): EventRecord {
    return this.store.add(event);
  }

  list(filter: { app?: string; limit?: number }): EventRecord[] {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    return this.store.list({ app: filter.app, limit });
  }
}

import { BerthError } from '../errors';
import type { LogDrainsStore } from '../ports/log-drains';
import type { UserRecord } from '../ports/store';
import type { DrainStatus } from './drain-sink';
import { checkDrainAddress, parseDrainUrl, shownUrl } from './drain-url';
import type { LogDrainer } from './log-drainer';

/** An app (or berth, for global drains) has this many at most: each is a connection and a buffer. */
export const MAX_DRAINS = 5;

export interface LogDrainView {
  readonly id: number;
  /** null: global. */
  readonly app: string | null;
  /** The URL with any password hidden. */
  readonly url: string;
  readonly createdAt: string;
  /** null when this process does not run the drain yet (just added). */
  readonly status: DrainStatus | null;
}

export interface LogDrainsServiceDeps {
  readonly store: LogDrainsStore;
  readonly drainer: Pick<LogDrainer, 'status' | 'sync'>;
  readonly appExists: (app: string) => boolean;
  readonly ownPorts: ReadonlySet<number>;
  readonly record: (e: { app: string | null; message: string; user: string | null }) => void;
}

/** `logs:drain-add/list/remove`: which drains there are, checked when added (the sinks check again at each connect). */
export class LogDrainsService {
  constructor(private readonly deps: LogDrainsServiceDeps) {}

  private requireApp(app: string | null): void {
    if (app !== null && !this.deps.appExists(app)) throw new BerthError('APP_NOT_FOUND', `App ${app} does not exist.`);
  }

  async add(app: string | null, rawUrl: unknown, user: UserRecord): Promise<LogDrainView> {
    this.requireApp(app);
    const url = parseDrainUrl(rawUrl);
    const privileged = user.role === 'admin';
    await checkDrainAddress(url, { privileged, ownPorts: this.deps.ownPorts });
    const existing = this.deps.store.list(app);
    if (existing.some((d) => d.url === url.toString())) throw new BerthError('LOG_DRAIN_EXISTS', `${shownUrl(url.toString())} drains ${app ?? 'every app'} already.`);
    if (existing.length >= MAX_DRAINS) throw new BerthError('LOG_DRAIN_LIMIT', `${app ?? 'berth'} has ${MAX_DRAINS} drains already; remove one first.`);
    const d = this.deps.store.add({ app, url: url.toString(), privileged });
    this.deps.record({ app, message: `log drain ${shownUrl(d.url)} added${app === null ? ' (global)' : ''}`, user: user.name });
    this.deps.drainer.sync();
    return this.view(d);
  }

  list(app: string | null): LogDrainView[] {
    this.requireApp(app);
    return this.deps.store.list(app).map((d) => this.view(d));
  }

  /** By the URL as added (or as listed) or by its id. */
  remove(app: string | null, which: unknown, user: UserRecord): LogDrainView {
    this.requireApp(app);
    if (typeof which !== 'string' || which === '') throw new BerthError('INVALID_INPUT', '"url" must be the drain\'s URL (as added or as listed) or its id.');
    const drains = this.deps.store.list(app);
    const d = drains.find((x) => String(x.id) === String(which) || x.url === which || shownUrl(x.url) === which
      || (typeof which === 'string' && URL.canParse(which) && x.url === new URL(which).toString()));
    if (!d) throw new BerthError('LOG_DRAIN_NOT_FOUND', `${app ?? 'berth'} has no drain ${String(which).slice(0, 200)}; \`berth logs:drain-list${app ? ` ${app}` : ' --global'}\` shows them.`);
    this.deps.store.remove(d.id);
    this.deps.record({ app, message: `log drain ${shownUrl(d.url)} removed${app === null ? ' (global)' : ''}`, user: user.name });
    this.deps.drainer.sync();
    return this.view(d);
  }

  private view(d: { id: number; app: string | null; url: string; createdAt: string }): LogDrainView {
    return { id: d.id, app: d.app, url: shownUrl(d.url), createdAt: d.createdAt, status: this.deps.drainer.status(d.id) };
  }
}

/** Every Redis key berth uses, under one prefix, so several berths can share one Redis. */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** The order in which an app's builds run: a list of build ids, head = running or next. */
  appFifo(app: string): string {
    return `${this.prefix}:app-fifo:${app}`;
  }

  /** SCAN pattern matching every appFifo key of this prefix. */
  appFifoPattern(): string {
    return `${escapeGlob(this.prefix)}:app-fifo:*`;
  }

  cancelFlag(buildId: number): string {
    return `${this.prefix}:cancel:${buildId}`;
  }

  cancelChannel(): string {
    return `${this.prefix}:cancel`;
  }

  buildLog(buildId: number): string {
    return `${this.prefix}:build-log:${buildId}`;
  }

  lock(name: string): string {
    return `${this.prefix}:lock:${name}`;
  }

  /** The route feed (app/ports/route-feed.ts): its version, when it was published, every app's route, the router agents' reports. */
  routeFeed(part: 'version' | 'published-at' | 'routes' | 'agents'): string {
    return `${this.prefix}:router:${part}`;
  }

  /** A fixed-window counter (login failures). */
  counter(name: string): string {
    return `${this.prefix}:counter:${name}`;
  }
}

/** SCAN MATCH treats * ? [ ] \ as glob syntax; a prefix must match only itself. */
function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

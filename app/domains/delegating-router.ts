import type { AppRoute, Router } from '../ports/router';

/** A Router that hands every call to another; a wrapper overrides only what it adds to. */
export class DelegatingRouter implements Router {
  constructor(protected readonly inner: Router) {}

  start(): Promise<void> { return this.inner.start(); }
  stop(): Promise<void> { return this.inner.stop(); }
  apply(route: AppRoute): Promise<void> { return this.inner.apply(route); }
  remove(app: string): Promise<void> { return this.inner.remove(app); }
  listApps(): Promise<string[]> { return this.inner.listApps(); }
  configOf(app: string): Promise<string | null> { return this.inner.configOf(app); }
  putChallenge(token: string, content: string): Promise<void> { return this.inner.putChallenge(token, content); }
  removeChallenge(token: string): Promise<void> { return this.inner.removeChallenge(token); }
}

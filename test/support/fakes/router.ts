import http from 'node:http';
import type { AppRoute, Router } from '../../../app/ports/router';

/**
 * The Router port in memory, for unit tests: it keeps each app's route and, asked for a host, picks
 * the app the way berth's nginx does (its domains, else `<app>.<domain>`) and forwards the request
 * to its first upstream. test/conformance/router.ts holds it and the nginx router to one contract.
 */
export class InMemoryRouter implements Router {
  readonly routes = new Map<string, AppRoute>();
  readonly challenges = new Map<string, string>();
  started = false;

  /** `domain`: the router's base domain (BERTH_DOMAIN), for apps without domains of their own. */
  constructor(private readonly domain = 'berth.localhost') {}

  async start(): Promise<void> { this.started = true; }
  async stop(): Promise<void> { this.started = false; }
  async apply(route: AppRoute): Promise<void> { this.routes.set(route.app, route); }
  async remove(app: string): Promise<void> { this.routes.delete(app); }
  async listApps(): Promise<string[]> { return [...this.routes.keys()].sort(); }
  async configOf(app: string): Promise<string | null> {
    const route = this.routes.get(app);
    return route ? JSON.stringify(route, null, 2) : null;
  }
  async putChallenge(token: string, content: string): Promise<void> { this.challenges.set(token, content); }
  async removeChallenge(token: string): Promise<void> { this.challenges.delete(token); }

  /** What a GET of `path` for `host` gets: 404 for no app, 502 for no or a dead upstream, else the upstream's answer. */
  async get(host: string, path = '/'): Promise<{ status: number; body: string }> {
    const name = host.toLowerCase();
    const route = [...this.routes.values()].find((r) => r.domains.includes(name))
      ?? (this.routes.get(name.endsWith(`.${this.domain}`) ? name.slice(0, -this.domain.length - 1) : '') ?? null);
    if (!route) return { status: 404, body: 'No app is configured for this host' };
    const upstream = route.upstreams[0];
    if (!upstream) return { status: 502, body: `${route.app} has no running web process` };
    return new Promise((resolve) => {
      const req = http.get({ host: upstream.host, port: upstream.port, path, headers: { host }, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { body += c; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', () => resolve({ status: 502, body: `${route.app} is not answering` }));
    });
  }
}

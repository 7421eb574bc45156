import type express from 'express';
import { createHttpApp } from '../../app/http/create-http-app';
import type { HttpServices } from '../../app/http/http-services';

export interface Endpoint { readonly method: string; readonly path: string }

/** `METHOD /path`, the key the bad-input tables use. */
export const keyOf = (e: Endpoint): string => `${e.method} ${e.path}`;

/**
 * Every route of the real express app, read from its router stack, so an endpoint added later is
 * listed without touching the tests. The routes are only listed, never run: the services they
 * close over is a stand-in that answers any property or call with another stand-in.
 */
export function listEndpoints(): Endpoint[] {
  const handler: ProxyHandler<() => void> = {
    get: (_t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => 'stub' : stub()),
    apply: () => stub(),
  };
  function stub(): any { return new Proxy(() => undefined, handler); }
  const app = createHttpApp(stub() as HttpServices, { codec: stub(), log: () => undefined }) as express.Express & { router: { stack: any[] } };
  const out: Endpoint[] = [];
  const walk = (stack: any[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods)) out.push({ method: m === '_all' ? 'POST' : m.toUpperCase(), path: prefix + String(layer.route.path) });
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk(app.router.stack, '');
  return out;
}

/** The API's routes (under /api/v1). */
export const apiEndpoints = (): Endpoint[] => listEndpoints().filter((e) => e.path.startsWith('/api/v1/'));

/** The path parameters of a route template, in order (`:app`, `*rest` → `app`, `rest`). */
export const paramsOf = (template: string): string[] => [...template.matchAll(/[:*]([a-z]+)/gi)].map((m) => m[1]);

/** The template up to and including parameter `param`: what that parameter names (`/api/v1/apps/:app`). */
export function resourceOf(template: string, param: string): string {
  const m = new RegExp(`^(.*?[:*]${param})(?:/|$)`).exec(template);
  if (!m) throw new Error(`${template} has no parameter ${param}`);
  return m[1];
}

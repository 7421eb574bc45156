import type express from 'express';
import { createHttpApp } from '../../app/http/create-http-app';
import type { HttpServices } from '../../app/http/http-services';

export interface Endpoint { readonly method: string; readonly path: string }

/** `METHOD /path`, the key the bad-input tables use. */
export const keyOf = (e: Endpoint): string => `${e.method} ${e.path}`;

/** One route of an express 5 router stack: the methods it answers (express's `_all` kept as is), its full path and first handler. */
export interface RouteLayer { readonly methods: readonly string[]; readonly path: string; readonly local: string; readonly first: any }

/**
 * Every route in an express 5 router stack, with the prefix of the router it is mounted under
 * (`use('/api/v1', router)`): what the route tests walk, so they all see the same routes.
 */
export function routeLayers(stack: any[], prefix = ''): RouteLayer[] {
  const out: RouteLayer[] = [];
  for (const layer of stack) {
    if (layer.route) {
      out.push({ methods: Object.keys(layer.route.methods), path: prefix + String(layer.route.path), local: String(layer.route.path), first: layer.route.stack[0]?.handle });
    } else if (layer.handle?.stack) {
      out.push(...routeLayers(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '')));
    }
  }
  return out;
}

/** Stands in for every service: route factories only keep references; nothing it hands out is run. */
export function standIn(): any {
  const handler: ProxyHandler<() => void> = {
    get: (_t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => 'stub' : standIn()),
    apply: () => standIn(),
  };
  return new Proxy(() => undefined, handler);
}

/**
 * Every route of the real express app, read from its router stack, so an endpoint added later is
 * listed without touching the tests. The routes are only listed, never run: the services they
 * close over is a stand-in that answers any property or call with another stand-in.
 */
export function listEndpoints(): Endpoint[] {
  const app = createHttpApp(standIn() as HttpServices, { codec: standIn(), log: () => undefined }) as express.Express & { router: { stack: any[] } };
  return routeLayers(app.router.stack).flatMap((r) => r.methods.map((m) => ({ method: m === '_all' ? 'POST' : m.toUpperCase(), path: r.path })));
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

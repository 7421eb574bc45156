import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import { body } from '../request-body';
import type { PluginsListResponse, PluginVerbsResponse, PluginResponse } from '../../api-contract';

/** `plugins:list|install|enable|disable`, and the routes plugins add under `/plugins/<id>/api/…`. */
export function pluginsRoutes(berth: HttpServices): GuardedRouter {
  const host = berth.services.plugins;
  const r = strictRouter();
  r.get('/plugins', need.read, (_req, res) => { res.json({ plugins: host.list() } satisfies PluginsListResponse); });
  // The CLI falls back to this list for an unknown `<id>:<verb>`.
  r.get('/plugins/verbs', need.read, (_req, res) => { res.json({ verbs: host.verbs() } satisfies PluginVerbsResponse); });
  r.post('/plugins', need.admin, (req, res) => {
    // Installing runs a package's code inside berth: admins only.
    if (req.user?.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins install plugins.');
    const source = body(req).source;
    if (typeof source !== 'string' || source === '') throw new BerthError('INVALID_INPUT', '"source" (a folder, a .tgz or an npm package) is required.');
    res.status(201).json({ plugin: host.install(source) } satisfies PluginResponse);
  });
  r.post('/plugins/:id/:action', need.admin, (req, res, next) => {
    if (req.params.action !== 'enable' && req.params.action !== 'disable') return next();
    if (req.user?.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins enable or disable plugins.');
    res.json({ plugin: host.setEnabled(String(req.params.id), req.params.action === 'enable') } satisfies PluginResponse);
  });
  r.all('/plugins/:id/api/*rest', need.readElseAdmin, async (req, res) => {
    const rest = req.params.rest as unknown as string[];
    const route = host.route(String(req.params.id), req.method, `/${rest.join('/')}`);
    if (!route) throw new BerthError('NOT_FOUND', `plugin ${req.params.id} has no ${req.method} /${rest.join('/')}`);
    const input = req.method === 'GET' ? { ...req.query } : body(req);
    res.json(await route.handler(input as Record<string, unknown>) ?? {});
  });
  return r;
}

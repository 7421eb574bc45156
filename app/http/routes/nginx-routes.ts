import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { body, stringList, stringMap } from '../request-body';
import { BerthError } from '../../errors';
import type { NginxResponse, NginxConfigResponse, ProxyResponse } from '../../api-contract';

export function nginxRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/nginx', need.appRead, (req, res) => { res.json({ nginx: berth.routing.nginxReport(req.params.app) } satisfies NginxResponse); });
  /** `{ set: {key: value}, unset: [key] }` — keys as `nginx:report` lists them. */
  r.patch('/apps/:app/nginx', need.appWrite, async (req, res) => {
    const b = body(req);
    const nginx = await berth.routing.nginxChange(req.params.app, { set: stringMap(b.set, 'set'), unset: stringList(b.unset, 'unset') }, req.user ?? null);
    res.json({ nginx } satisfies NginxResponse);
  });
  r.get('/apps/:app/proxy', need.appRead, (req, res) => { res.json({ proxy: berth.routing.proxyReport(req.params.app) } satisfies ProxyResponse); });
  /** `{ enabled?: boolean, type?: "nginx" }`: dokku's proxy:enable/disable/set. */
  r.patch('/apps/:app/proxy', need.appWrite, async (req, res) => {
    const b = body(req);
    res.json({ proxy: await berth.routing.proxyChange(req.params.app, { enabled: b.enabled, type: b.type }, req.user?.name ?? null) } satisfies ProxyResponse);
  });
  r.get('/apps/:app/nginx/config', need.appRead, async (req, res) => {
    res.json({ config: await berth.routing.nginxConfig(req.params.app) } satisfies NginxConfigResponse);
  });
  /** `?tail=N` (default 100, at most 10000): the last lines of the app's nginx access or error log, as text. */
  for (const kind of ['access', 'error'] as const) {
    r.get(`/apps/:app/nginx/${kind}-logs`, need.appRead, async (req, res) => {
      const raw = req.query.tail;
      const tail = raw === undefined ? 100 : Number(raw);
      if (!Number.isInteger(tail) || tail < 1) throw new BerthError('INVALID_INPUT', '"tail" must be a positive whole number.');
      res.type('text/plain').send(await berth.routing.nginxLog(req.params.app, kind, Math.min(tail, 10_000)));
    });
  }
  return r;
}

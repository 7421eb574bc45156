import type { Router } from 'express';
import { strictRouter } from '../strict-router';
import type { Berth } from '../../boot/create-berth';
import { body, stringList, stringMap } from '../request-body';

export function nginxRoutes(berth: Berth): Router {
  const r = strictRouter();
  r.get('/apps/:app/nginx', (req, res) => { res.json({ nginx: berth.routing.nginxReport(req.params.app) }); });
  /** `{ set: {key: value}, unset: [key] }` — keys as `nginx:report` lists them. */
  r.patch('/apps/:app/nginx', async (req, res) => {
    const b = body(req);
    const nginx = await berth.routing.nginxChange(req.params.app, { set: stringMap(b.set, 'set'), unset: stringList(b.unset, 'unset') }, req.user ?? null);
    res.json({ nginx });
  });
  r.get('/apps/:app/nginx/config', async (req, res) => {
    res.json({ config: await berth.routing.nginxConfig(req.params.app) });
  });
  return r;
}

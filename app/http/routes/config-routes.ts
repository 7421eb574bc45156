import { Router } from 'express';
import type { Berth } from '../../boot/create-berth';
import { userName } from '../auth-middleware';
import { body, stringList, stringMap } from '../request-body';

export function configRoutes(berth: Berth): Router {
  const r = Router();
  r.get('/apps/:app/config', (req, res) => { res.json({ config: berth.configVars.get(req.params.app) }); });
  /** `{ set: {K: V}, unset: [K], restart: true }` — a change re-releases the app unless restart is false. */
  r.patch('/apps/:app/config', async (req, res) => {
    const b = body(req);
    const app = req.params.app;
    const changed = berth.configVars.apply(app, { set: stringMap(b.set, 'set'), unset: stringList(b.unset, 'unset') }, userName(req));
    let build = null;
    if (changed && b.restart !== false && berth.store.releases.current(app)) {
      build = (await berth.releases.redeploy(app, 'config change', userName(req))).build;
    }
    res.json({ config: berth.configVars.get(app), changed, build });
  });
  return r;
}

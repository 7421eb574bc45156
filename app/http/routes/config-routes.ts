import { need, strictRouter, type GuardedRouter } from '../strict-router';
import { configFor } from '../secret-views';
import type { HttpServices } from '../http-services';
import { userName } from '../auth-middleware';
import { body, stringList, stringMap } from '../request-body';
import type { ConfigChangeResponse, ConfigResponse } from '../../api-contract';

export function configRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/config', need.appRead, (req, res) => { res.json({ config: configFor(berth, req.user!, req.params.app, berth.configVars.get(req.params.app)) } satisfies ConfigResponse); });
  /** `{ set: {K: V}, unset: [K], restart: true }` — a change re-releases the app unless restart is false. */
  r.patch('/apps/:app/config', need.appWrite, async (req, res) => {
    const b = body(req);
    const app = req.params.app;
    const change = { set: stringMap(b.set, 'set'), unset: stringList(b.unset, 'unset') };
    const { changed, build } = await berth.releases.changeConfig(app, change, { restart: b.restart !== false, user: userName(req) });
    res.json({ config: berth.configVars.get(app), changed, build } satisfies ConfigChangeResponse);
  });
  return r;
}

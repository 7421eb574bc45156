import { need, strictRouter, type GuardedRouter } from '../strict-router';
import { releaseFor } from '../secret-views';
import type { HttpServices } from '../http-services';
import { userName } from '../auth-middleware';
import { body, positiveInt } from '../request-body';
import type { QueuedBuild, ReleasesListResponse } from '../../api-contract';

export function releasesRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/releases', need.appRead, (req, res) => {
    berth.apps.require(req.params.app);
    res.json({ releases: berth.releases.list(req.params.app).map((r) => releaseFor(berth, req.user!, r)) } satisfies ReleasesListResponse);
  });
  /** What a rollback would do (`?version=3`, default the previous release): `{ plan: { from, to, description, config: { added, removed, changed } } }`. */
  r.get('/apps/:app/releases/rollback', need.appRead, (req, res) => {
    const raw = req.query.version;
    const version = positiveInt(typeof raw === 'string' && raw !== '' ? raw.replace(/^v/, '') : undefined, 'version');
    berth.apps.require(req.params.app);
    res.json({ plan: berth.releases.rollbackPlan(req.params.app, version) });
  });
  r.post('/apps/:app/releases/rollback', need.appWrite, async (req, res) => {
    const raw = body(req).version;
    const version = positiveInt(typeof raw === 'string' ? raw.replace(/^v/, '') : raw, 'version');
    berth.apps.require(req.params.app);
    const { build, ahead } = await berth.releases.rollback(req.params.app, version, userName(req));
    res.status(202).json({ build, ahead } satisfies QueuedBuild);
  });
  return r;
}

import { BerthError } from '../../errors';
import { need, strictRouter, type GuardedRouter } from '../strict-router';
import { releaseFor } from '../secret-views';
import type { HttpServices } from '../http-services';
import { userName } from '../auth-middleware';
import { body, positiveInt } from '../request-body';
import type { QueuedBuild, ReleasesListResponse, RollbackPlanResponse } from '../../api-contract';

/** A yes/no field: absent, true/false, or (in a query) "true"/"false"; anything else is INVALID_INPUT. */
function flag(v: unknown, field: string): boolean {
  if (v === undefined || v === false || v === 'false') return false;
  if (v === true || v === 'true') return true;
  throw new BerthError('INVALID_INPUT', `"${field}" is true or false.`);
}

export function releasesRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/releases', need.appRead, (req, res) => {
    berth.apps.require(req.params.app);
    const watches = new Map(berth.deployWatch.watches(req.params.app).map((w) => [w.version, { status: w.status, reason: w.reason, endsAt: w.endsAt }]));
    res.json({ releases: berth.releases.listWithSnapshots(req.params.app).map((r) => ({ ...releaseFor(berth, req.user!, r), watch: watches.get(r.version) ?? null })) } satisfies ReleasesListResponse);
  });
  /**
   * What a rollback would do (`?version=3`, default the previous release; `&restoreData=true` adds the
   * data snapshot that comes back): `{ plan: { from, to, description, config: { added, removed, changed }, data? } }`.
   */
  r.get('/apps/:app/releases/rollback', need.appRead, (req, res) => {
    const raw = req.query.version;
    const version = positiveInt(typeof raw === 'string' && raw !== '' ? raw.replace(/^v/, '') : undefined, 'version');
    berth.apps.require(req.params.app);
    res.json({ plan: berth.releases.rollbackPlan(req.params.app, version, { restoreData: flag(req.query.restoreData, 'restoreData') }) } satisfies RollbackPlanResponse);
  });
  r.post('/apps/:app/releases/rollback', need.appWrite, async (req, res) => {
    const raw = body(req).version;
    const version = positiveInt(typeof raw === 'string' ? raw.replace(/^v/, '') : raw, 'version');
    berth.apps.require(req.params.app);
    // Only a version picks the snapshot: there is no field for a file, a path or another app's service.
    const restoreData = flag(body(req).restoreData, 'restoreData');
    const user = req.user!;
    const { build, ahead } = await berth.releases.rollback(req.params.app, version, userName(req), { restoreData, canWrite: (a) => berth.access.can(user, 'write', a) });
    res.status(202).json({ build, ahead } satisfies QueuedBuild);
  });
  return r;
}

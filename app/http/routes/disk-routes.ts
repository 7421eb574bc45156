import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import { userName } from '../auth-middleware';
import { body } from '../request-body';
import type { AppDiskResponse, CleanupResponse, DiskStateResponse } from '../../api-contract';

/** `apps:disk` (anyone who reads the app), the disk state (any signed-in user: a percentage), `cleanup` (admins: it acts on the whole host). */
export function diskRoutes(berth: Pick<HttpServices, 'disk' | 'housekeeping'>): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/disk', need.appRead, async (req, res) => { res.json({ disk: await berth.disk.report(req.params.app) } satisfies AppDiskResponse); });
  r.get('/disk', need.read, (_req, res) => { res.json({ disk: berth.housekeeping.checkDisk() } satisfies DiskStateResponse); });
  /** `{ dryRun: boolean }`, said either way: a body that does not say is not taken as "go ahead". */
  r.post('/cleanup', need.admin, async (req, res) => {
    const { dryRun } = body(req);
    if (typeof dryRun !== 'boolean') throw new BerthError('INVALID_INPUT', '"dryRun" must be true (say what would go) or false (remove it now).');
    res.json({ cleanup: await berth.housekeeping.cleanup({ dryRun, user: userName(req) }) } satisfies CleanupResponse);
  });
  return r;
}

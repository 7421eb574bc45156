import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import type { VersionResponse } from '../../api-contract';

/** `GET /version` (`berth version`): every signed-in role reads it; it names no app or secret. */
export function versionRoutes(berth: Pick<HttpServices, 'version'>): GuardedRouter {
  const r = strictRouter();
  r.get('/version', need.read, (_req, res) => { res.json(berth.version() satisfies VersionResponse); });
  return r;
}

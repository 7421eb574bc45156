import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { userName } from '../auth-middleware';
import { body } from '../request-body';
import type { DeployWatchResponse, DeployWatchSettingsResponse } from '../../api-contract';

/** `deploy-watch:*`: what berth watches after each deploy of the app, and how its recent watches ended. */
export function deployWatchRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/deploy-watch', need.appRead, (req, res) => {
    const settings = berth.deployWatch.settings.get(req.params.app);
    res.json({ settings, watches: berth.deployWatch.watches(req.params.app) } satisfies DeployWatchResponse);
  });
  /** `{ settings: { window?: "5m", action?: "rollback" | "watch", restarts?, unhealthy?, "5xx-rate"?, "min-requests"? } }` (null: the default). */
  r.patch('/apps/:app/deploy-watch', need.appWrite, (req, res) => {
    res.json({ settings: berth.deployWatch.settings.set(req.params.app, body(req).settings, userName(req)) } satisfies DeployWatchSettingsResponse);
  });
  return r;
}

import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { userName } from '../auth-middleware';
import { body } from '../request-body';
import type { AppSettingsResponse } from '../../api-contract';

export function appSettingsRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  /** `{ builder?: dockerfile|buildpack|auto, buildpack?: <name>|null }` */
  r.patch('/apps/:app/builder', need.appWrite, (req, res) => {
    const b = body(req);
    let app = berth.apps.require(req.params.app);
    if (b.builder !== undefined) app = berth.appSettings.setBuilder(req.params.app, b.builder, userName(req));
    if (b.buildpack !== undefined) app = berth.appSettings.setBuildpack(req.params.app, b.buildpack, userName(req));
    res.json({ app } satisfies AppSettingsResponse);
  });
  /** `{ deployBranch: <branch> }` */
  r.patch('/apps/:app/git', need.appWrite, (req, res) => {
    res.json({ app: berth.appSettings.setDeployBranch(req.params.app, body(req).deployBranch, userName(req)) } satisfies AppSettingsResponse);
  });
  return r;
}

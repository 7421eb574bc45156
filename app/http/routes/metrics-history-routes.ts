import type { RequestHandler } from 'express';
import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { parseRange } from '../../metrics';
import type { MetricsHistoryResponse } from '../../api-contract';

/** The app's metrics history (app/metrics): `GET /apps/:app/metrics?range=1h|24h|7d`, for anyone who may read the app. */
export function metricsHistoryRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/metrics', need.appRead, metricsHistoryAnswer(berth));
  return r;
}

/** The answer of the API's route and the dashboard's `metrics.json`: the same history, one reader. */
export function metricsHistoryAnswer(berth: Pick<HttpServices, 'apps' | 'metricsHistory'>): RequestHandler<{ app: string }> {
  return (req, res) => {
    const app = berth.apps.require(req.params.app).name;
    res.json(berth.metricsHistory.history(app, parseRange(req.query.range), Date.now()) satisfies MetricsHistoryResponse);
  };
}

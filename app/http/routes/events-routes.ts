import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { positiveInt } from '../request-body';
import type { EventsListResponse } from '../../api-contract';

export function eventsRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/events', need.events, (req, res) => {
    const app = typeof req.query.app === 'string' ? req.query.app : undefined;
    if (app) berth.apps.require(app);
    res.json({ events: berth.events.list({ app, limit: positiveInt(req.query.limit, 'limit') }) } satisfies EventsListResponse);
  });
  return r;
}

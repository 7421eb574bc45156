import type { Request } from 'express';
import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import type { LogDrainView } from '../../log-drains';
import { body } from '../request-body';
import type { LogDrainsResponse, LogDrainAddedResponse, LogDrainRemovedResponse } from '../../api-contract';

/** A viewer sees where a drain goes (scheme, host, port), not its path or query: those may carry a token. */
const hostOnly = (d: LogDrainView): LogDrainView => {
  const u = new URL(d.url);
  return { ...d, url: `${u.protocol}//${u.host}` };
};

/**
 * logs:drain-add/list/remove: `/apps/:app/log-drains` (the app's developers; viewers read them
 * without paths) and `/log-drains` (global drains: every app's output, so admins only).
 */
export function logDrainsRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  const admin = (req: Request): void => {
    if (req.user?.role !== 'admin') throw new BerthError('FORBIDDEN', 'Global log drains carry every app\'s output: admins only.');
  };

  r.get('/apps/:app/log-drains', need.appRead, (req, res) => {
    const drains = berth.logDrains.list(req.params.app);
    res.json({ drains: berth.access.canSeeSecrets(req.user!, req.params.app) ? drains : drains.map(hostOnly) } satisfies LogDrainsResponse);
  });
  r.post('/apps/:app/log-drains', need.appWrite, async (req, res) => {
    res.status(201).json({ drain: await berth.logDrains.add(req.params.app, body(req).url, req.user!) } satisfies LogDrainAddedResponse);
  });
  r.delete('/apps/:app/log-drains', need.appWrite, (req, res) => {
    res.json({ removed: berth.logDrains.remove(req.params.app, body(req).url, req.user!) } satisfies LogDrainRemovedResponse);
  });

  r.get('/log-drains', need.read, (req, res) => {
    admin(req);
    res.json({ drains: berth.logDrains.list(null) } satisfies LogDrainsResponse);
  });
  r.post('/log-drains', need.admin, async (req, res) => {
    res.status(201).json({ drain: await berth.logDrains.add(null, body(req).url, req.user!) } satisfies LogDrainAddedResponse);
  });
  r.delete('/log-drains', need.admin, (req, res) => {
    res.json({ removed: berth.logDrains.remove(null, body(req).url, req.user!) } satisfies LogDrainRemovedResponse);
  });
  return r;
}

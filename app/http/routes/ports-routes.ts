import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import { userName } from '../auth-middleware';
import { body } from '../request-body';
import type { PortsReport } from '../../api-contract';

function list(value: unknown, field: string): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new BerthError('INVALID_INPUT', `"${field}" must be a list of mappings such as "http:80:5000".`);
  return value;
}

export function portsRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  /** `ports`: the app's own mappings; `inUse` and `source`: what the router uses and why (own, EXPOSE, default). */
  r.get('/apps/:app/ports', need.appRead, (req, res) => { res.json(berth.routing.portsReport(req.params.app) satisfies PortsReport); });
  /** `{ add, remove, set: ["http:80:5000"], clear: true }`. */
  r.patch('/apps/:app/ports', need.appWrite, async (req, res) => {
    const b = body(req);
    const change = { add: list(b.add, 'add'), remove: list(b.remove, 'remove'), set: list(b.set, 'set'), clear: b.clear === true };
    if (!change.add && !change.remove && !change.set && !change.clear) throw new BerthError('INVALID_INPUT', 'Send "add", "remove", "set" or "clear".');
    await berth.routing.changePorts(req.params.app, change, userName(req));
    res.json(berth.routing.portsReport(req.params.app) satisfies PortsReport);
  });
  return r;
}

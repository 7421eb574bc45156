import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import { userName } from '../auth-middleware';
import { body } from '../request-body';
import type { AppDomainsResponse, GlobalDomainsResponse } from '../../api-contract';

/** A list field: given as-is (the service validates every entry), absent as undefined. */
function list(value: unknown, field: string): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new BerthError('INVALID_INPUT', `"${field}" must be a list.`);
  return value;
}

export function domainsRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/domains', need.appRead, (req, res) => { res.json({ domains: berth.domains.report(req.params.app) } satisfies AppDomainsResponse); });
  /** `{ add: [..] }`, `{ remove: [..] }`, `{ set: [..] }` (replaces custom domains) or `{ clear: true }`. */
  r.patch('/apps/:app/domains', need.appWrite, async (req, res) => {
    const b = body(req);
    const app = req.params.app;
    const user = userName(req);
    const add = list(b.add, 'add');
    const remove = list(b.remove, 'remove');
    const set = list(b.set, 'set');
    let report;
    if (b.clear === true) report = await berth.domains.set(app, [], user);
    else if (set !== undefined) report = await berth.domains.set(app, set, user);
    else if (add !== undefined) report = await berth.domains.add(app, add, user);
    else if (remove !== undefined) report = await berth.domains.remove(app, remove, user);
    else throw new BerthError('INVALID_INPUT', 'Send one of "add", "remove", "set" (lists of domains) or "clear": true.');
    res.json({ domains: report } satisfies AppDomainsResponse);
  });
  // berth's own address beside the global domains: `domains:*-global` name apps only, and the CLI says where berth's own is set.
  const globalAnswer = (globalDomains: readonly string[]) => ({ globalDomains, ownAddress: berth.ownAddress.baseUrl() } satisfies GlobalDomainsResponse);
  r.get('/domains', need.read, (_req, res) => { res.json(globalAnswer(berth.domains.globals())); });
  /** `{ add: [..] }` or `{ remove: [..] }`: every app gets `<app>.<global>`. */
  r.patch('/domains', need.admin, async (req, res) => {
    const b = body(req);
    const add = list(b.add, 'add');
    const remove = list(b.remove, 'remove');
    let globals;
    if (add !== undefined) globals = await berth.domains.addGlobal(add, userName(req));
    else if (remove !== undefined) globals = await berth.domains.removeGlobal(remove, userName(req));
    else throw new BerthError('INVALID_INPUT', 'Send "add" or "remove" with a list of domains.');
    res.json(globalAnswer(globals));
  });
  return r;
}

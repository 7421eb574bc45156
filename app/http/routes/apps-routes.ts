import type { Request } from 'express';
import { BerthError } from '../../errors';
import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { userName } from '../auth-middleware';
import { body } from '../request-body';
import { statusesOf } from '../app-statuses';
import type { AppCreatedResponse, AppResponse, AppsListResponse, CreateAppRequest, GitRemotesResponse, LockResponse, NetworkResponse, NetworksListResponse, RenameAppRequest } from '../../api-contract';

export function appsRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  /** Each app with its status word (running, degraded, crashing, deploying, failed, stopped, not deployed). */
  r.get('/apps', need.read, async (req, res) => {
    const apps = berth.access.visibleApps(req.user!, berth.apps.list());
    const status = await statusesOf(berth, apps);
    res.json({ apps: apps.map((a) => ({ ...a, status: status.get(a.name) })) } satisfies AppsListResponse);
  });
  r.post('/apps', need.admin, async (req, res) => {
    const app = await berth.apps.create((body(req) as Partial<CreateAppRequest>).name, userName(req));
    res.status(201).json({ app } satisfies AppCreatedResponse);
  });
  // dokku's network:list/info: each app's own network, for the apps the user may see.
  const networks = (req: Request) => berth.access.visibleApps(req.user!, berth.apps.list()).map((a) => ({ name: berth.networkOf(a), app: a.name }));
  r.get('/networks', need.read, (req, res) => { res.json({ networks: networks(req) } satisfies NetworksListResponse); });
  r.get('/networks/:name', need.read, async (req, res) => {
    const found = networks(req).find((n) => n.name === req.params.name);
    if (!found) throw new BerthError('NETWORK_NOT_FOUND', `Network "${req.params.name}" does not exist; \`berth network:list\` shows the apps' networks.`);
    const containers = (await berth.containers.of(found.app)).filter((c) => c.state === 'running').map((c) => c.name);
    res.json({ network: { ...found, driver: 'bridge', containers } } satisfies NetworkResponse);
  });
  r.get('/apps/:app', need.appRead, (req, res) => {
    const app = berth.apps.info(req.params.app);
    res.json({ app: { ...app, applied: berth.processes.appliedLimits(app) } } satisfies AppResponse);
  });
  // `berth git:remote`: the URLs a laptop pushes to, on berth's own address (null without one).
  r.get('/apps/:app/git-remotes', need.appRead, (req, res) => { res.json({ remotes: berth.ownAddress.remotes(req.params.app) } satisfies GitRemotesResponse); });
  r.patch('/apps/:app', need.appWrite, async (req, res) => {
    const { name } = body(req) as Partial<RenameAppRequest>;
    await berth.apps.rename(req.params.app, name, userName(req));
    res.json({ app: berth.apps.info(String(name)) } satisfies AppResponse);
  });
  /** `apps:lock` / `apps:unlock`: a locked app queues no builds. */
  r.post('/apps/:app/lock', need.appWrite, (req, res) => { res.json({ locked: berth.apps.setLocked(req.params.app, true, userName(req)).locked === true } satisfies LockResponse); });
  r.delete('/apps/:app/lock', need.appWrite, (req, res) => { res.json({ locked: berth.apps.setLocked(req.params.app, false, userName(req)).locked === true } satisfies LockResponse); });
  r.delete('/apps/:app', need.appWrite, async (req, res) => {
    const keep = req.query['keep-data'] ?? body(req).keepData;
    await berth.apps.destroy(req.params.app, req.query.confirm ?? body(req).confirm, userName(req), { keepData: keep === true || keep === 'true' });
    res.status(204).end();
  });
  return r;
}

import type { Response } from 'express';
import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import { userName } from '../auth-middleware';
import { body } from '../request-body';
import type { SchedulerReportResponse, SchedulerSetResponse, PlacementResponse, SwarmInitResponse, NodesListedResponse, NodeResponse, NodeAddResponse, RouterReportResponse, RouterForgetResponse, RouterRemoveResponse } from '../../api-contract';

function words(value: unknown, field: string): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new BerthError('INVALID_INPUT', `"${field}" must be a string or a list of strings.`);
}

/** scheduler:set, ps:set placement, nodes, nodes:label. A switch re-releases the app (202 with the queued build). */
export function schedulersRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/scheduler', need.appRead, async (req, res) => { res.json({ scheduler: await berth.schedulers.report(req.params.app) } satisfies SchedulerReportResponse); });
  /** `{ scheduler: "swarm" | "docker-local" | "default" }` */
  r.patch('/apps/:app/scheduler', need.appWrite, async (req, res) => {
    const done = await berth.schedulers.setScheduler(req.params.app, body(req).scheduler, userName(req));
    res.status(done.queued ? 202 : 200).json((done.queued ? { scheduler: done.scheduler, ...(done.queued as object) } : { scheduler: done.scheduler }) satisfies SchedulerSetResponse);
  });
  /** `{ placement: ["node.labels.zone==a"] }` or `"none"` */
  r.patch('/apps/:app/placement', need.appWrite, async (req, res) => {
    const done = await berth.schedulers.setPlacement(req.params.app, words(body(req).placement, 'placement'), userName(req));
    res.status(done.queued ? 202 : 200).json((done.queued ? { placement: done.placement, ...(done.queued as object) } : { placement: done.placement }) satisfies PlacementResponse);
  });
  /** `{ advertiseAddr?: "10.0.0.5" }`: makes this engine a swarm manager, starts berth's registry, answers the join command. */
  r.post('/swarm/init', need.admin, async (req, res) => {
    // A swarm changes where every app can run, and the answer holds the join token: admins only.
    if (req.user?.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins initialise the swarm.');
    res.json({ swarm: await berth.swarmSetup.init(body(req).advertiseAddr, userName(req)) } satisfies SwarmInitResponse);
  });
  r.get('/nodes', need.read, async (_req, res) => {
    // Each node's router agent, if one runs there: its name, version and state (its problems, which name apps, are router:report's).
    const [nodes, routers] = await Promise.all([berth.schedulers.nodes(), berth.routers.report().catch(() => ({ version: 0, routers: [] }))]);
    const routerOf = (id: string) => routers.routers.filter((r) => r.nodeId === id).map((r) => ({ name: r.name, version: r.version, state: r.state }))[0] ?? null;
    res.json({ nodes: nodes.map((n) => ({ ...n, router: routerOf(n.id) })), routeVersion: routers.version } satisfies NodesListedResponse);
  });
  /** Each router agent: the version it serves against the feed's, and what is wrong with it (router:report). */
  r.get('/routers', need.admin, async (req, res) => {
    // Its problems name other people's apps and their nginx errors: admins only.
    if (req.user?.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins see the routers.');
    res.json({ routers: await berth.routers.report() } satisfies RouterReportResponse);
  });
  /** Builds the router agent image, pushes it to berth's registry and runs the berth-router service; progress streamed as for /nodes/:node/drain. */
  r.post('/routers/deploy', need.admin, async (req, res) => {
    // A router on a node serves every app and holds the Redis password: admins only.
    if (req.user?.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins deploy the router agents.');
    await berth.routerFleet.check();
    await streamProgress(res, async (log) => { await berth.routerFleet.deploy(log, userName(req)); });
  });
  r.post('/routers/remove', need.admin, async (req, res) => {
    if (req.user?.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins remove the router agents.');
    res.json({ removed: await berth.routerFleet.remove(userName(req)) } satisfies RouterRemoveResponse);
  });
  r.delete('/routers/:name', need.admin, async (req, res) => {
    if (req.user?.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins forget routers.');
    await berth.routers.forget(req.params.name);
    res.json({ forgotten: req.params.name } satisfies RouterForgetResponse);
  });
  /** `{ labels: ["zone=a", "disk="] }` */
  r.post('/nodes/:node/labels', need.admin, async (req, res) => {
    // Labels steer where every app's tasks go: admins only.
    if (req.user?.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins label nodes.');
    res.json({ node: await berth.schedulers.labelNode(req.params.node, words(body(req).labels, 'labels')) } satisfies NodeResponse);
  });
  /** `{ role?: "worker" | "manager" }`: the join command (it holds the swarm's token) and what a new node needs. */
  r.post('/nodes/add', need.admin, async (req, res) => {
    // The answer lets a machine into the swarm, where every app's tasks may run: admins only.
    if (req.user?.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins add nodes.');
    res.json({ node: await berth.swarmSetup.addNode(body(req).role) } satisfies NodeAddResponse);
  });
  /** Drains the node, then streams progress (text) until its tasks run elsewhere; a last `@@berth-error <code> <message>` line when it fails. */
  r.post('/nodes/:node/drain', need.admin, async (req, res) => {
    if (req.user?.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins drain nodes.');
    await berth.swarmNodes.checkDrainable(req.params.node);
    await streamProgress(res, (log) => berth.swarmNodes.drain(req.params.node, log, userName(req)));
  });
  /** Drains the node (as /drain), then removes it from the swarm; progress streamed as for /drain. */
  r.post('/nodes/:node/remove', need.admin, async (req, res) => {
    if (req.user?.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins remove nodes.');
    await berth.swarmNodes.checkDrainable((await berth.swarmNodes.checkRemovable(req.params.node)).id);
    await streamProgress(res, (log) => berth.swarmNodes.remove(req.params.node, log, userName(req)));
  });
  return r;
}

/**
 * Streams a long operation's progress lines as text/plain. Refusals come before (as JSON errors);
 * a failure once lines are flowing ends the stream with `@@berth-error <code> <message>`.
 */
async function streamProgress(res: Response, work: (log: (line: string) => void) => Promise<void>): Promise<void> {
  res.status(200).type('text/plain; charset=utf-8');
  res.flushHeaders();
  try {
    await work((line) => { res.write(`${line}\n`); });
  } catch (e) {
    const code = e instanceof BerthError ? e.code : 'INTERNAL';
    res.write(`@@berth-error ${code} ${(e as Error).message.replace(/\n/g, ' ')}\n`);
  }
  res.end();
}

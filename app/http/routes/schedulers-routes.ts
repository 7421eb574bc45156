import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import { userName } from '../auth-middleware';
import { body } from '../request-body';

function words(value: unknown, field: string): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new BerthError('INVALID_INPUT', `"${field}" must be a string or a list of strings.`);
}

/** scheduler:set, ps:set placement, nodes, nodes:label. A switch re-releases the app (202 with the queued build). */
export function schedulersRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/scheduler', need.appRead, async (req, res) => { res.json({ scheduler: await berth.schedulers.report(req.params.app) }); });
  /** `{ scheduler: "swarm" | "docker-local" | "default" }` */
  r.patch('/apps/:app/scheduler', need.appWrite, async (req, res) => {
    const done = await berth.schedulers.setScheduler(req.params.app, body(req).scheduler, userName(req));
    res.status(done.queued ? 202 : 200).json(done.queued ? { scheduler: done.scheduler, ...(done.queued as object) } : { scheduler: done.scheduler });
  });
  /** `{ placement: ["node.labels.zone==a"] }` or `"none"` */
  r.patch('/apps/:app/placement', need.appWrite, async (req, res) => {
    const done = await berth.schedulers.setPlacement(req.params.app, words(body(req).placement, 'placement'), userName(req));
    res.status(done.queued ? 202 : 200).json(done.queued ? { placement: done.placement, ...(done.queued as object) } : { placement: done.placement });
  });
  /** `{ advertiseAddr?: "10.0.0.5" }`: makes this engine a swarm manager, starts berth's registry, answers the join command. */
  r.post('/swarm/init', need.admin, async (req, res) => {
    // A swarm changes where every app can run, and the answer holds the join token: admins only.
    if (req.user?.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins initialise the swarm.');
    res.json({ swarm: await berth.swarmSetup.init(body(req).advertiseAddr, userName(req)) });
  });
  r.get('/nodes', need.read, async (_req, res) => { res.json({ nodes: await berth.schedulers.nodes() }); });
  /** `{ labels: ["zone=a", "disk="] }` */
  r.post('/nodes/:node/labels', need.admin, async (req, res) => {
    // Labels steer where every app's tasks go: admins only.
    if (req.user?.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins label nodes.');
    res.json({ node: await berth.schedulers.labelNode(req.params.node, words(body(req).labels, 'labels')) });
  });
  return r;
}

import { type Request } from 'express';
import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import { userName } from '../auth-middleware';
import { body } from '../request-body';
import type { ProcessReportResponse, PsSettingsResponse, QueuedBuild, ResourcesResponse, ScaleResponse } from '../../api-contract';

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw new BerthError('INVALID_INPUT', `"${field}" must be a string.`);
  return String(value);
}

/** ps:* and resource:* — reads answer at once; changes to containers are queued in the app's turn (202). */
export function psRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  const queued = (res: import('express').Response, q: QueuedBuild) => { res.status(202).json(q); };
  const user = (req: Request) => userName(req);

  r.get('/apps/:app/ps', need.appRead, async (req, res) => { res.json({ report: await berth.processes.report(req.params.app) } satisfies ProcessReportResponse); });
  r.get('/apps/:app/ps/scale', need.appRead, (req, res) => { res.json({ scale: berth.processes.formation(req.params.app) } satisfies ScaleResponse); });
  /** `{ scale: { web: 3, worker: 1 } }` */
  r.post('/apps/:app/ps/scale', need.appWrite, async (req, res) => {
    const scale = body(req).scale;
    if (typeof scale !== 'object' || scale === null || Array.isArray(scale)) throw new BerthError('INVALID_SCALE', '"scale" must be an object of type → count, e.g. {"web": 2}.');
    queued(res, await berth.processes.scale(req.params.app, scale as Record<string, unknown>, user(req)));
  });
  /** `{ process?: "web" }` */
  r.post('/apps/:app/ps/restart', need.appWrite, async (req, res) => {
    queued(res, await berth.processes.restart(req.params.app, optionalString(body(req).process, 'process'), user(req)));
  });
  r.post('/apps/:app/ps/rebalance', need.appWrite, async (req, res) => { queued(res, await berth.processes.rebalance(req.params.app, user(req))); });
  r.post('/apps/:app/ps/stop', need.appWrite, async (req, res) => { queued(res, await berth.processes.stop(req.params.app, user(req))); });
  r.post('/apps/:app/ps/start', need.appWrite, async (req, res) => { queued(res, await berth.processes.start(req.params.app, user(req))); });
  r.post('/apps/:app/ps/rebuild', need.appWrite, async (req, res) => { queued(res, await berth.processes.rebuild(req.params.app, user(req))); });
  /** `{ restartPolicy?: "on-failure:5", retireWait?: 60, stopTimeout?: 30 }` (seconds; null: berth's default). */
  r.patch('/apps/:app/ps', need.appWrite, (req, res) => {
    const b = body(req);
    res.json(berth.processes.setPsSettings(req.params.app, { restartPolicy: b.restartPolicy, retireWait: b.retireWait, stopTimeout: b.stopTimeout }, user(req)) satisfies PsSettingsResponse);
  });
  /** `{ memory?: "512m", cpus?: "0.5" }`; "0" clears a limit. */
  r.patch('/apps/:app/resources', need.appWrite, (req, res) => {
    const b = body(req);
    const app = berth.processes.setLimits(req.params.app, { memory: optionalString(b.memory, 'memory'), cpus: optionalString(b.cpus, 'cpus') }, user(req));
    res.json({ resources: { memoryMb: app.memoryMb, cpus: app.cpus, applied: berth.processes.appliedLimits(app) } } satisfies ResourcesResponse);
  });
  r.get('/apps/:app/resources', need.appRead, (req, res) => {
    const report = berth.apps.info(req.params.app);
    res.json({ resources: { memoryMb: report.memoryMb, cpus: report.cpus, applied: berth.processes.appliedLimits(report) } } satisfies ResourcesResponse);
  });
  return r;
}

import { type Request } from 'express';
import { need, strictRouter, type GuardedRouter } from '../strict-router';
import { serviceFor, visibleServices } from '../secret-views';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import { parsePlacement, SCHEDULER_NAMES, type SchedulerName } from '../../schedulers';
import { userName } from '../auth-middleware';
import { body, optionalString, positiveInt, requiredString } from '../request-body';
import type { ServicePluginsResponse, ServicesListResponse, ServiceResponse, ServiceLinkResponse, ServiceDestroyResponse } from '../../api-contract';

/** `scheduler`: docker-local, swarm, or absent (BERTH_SCHEDULER). */
function schedulerOf(v: unknown): SchedulerName | undefined {
  if (v === undefined || v === null || v === '' || v === 'default') return undefined;
  if ((SCHEDULER_NAMES as readonly unknown[]).includes(v)) return v as SchedulerName;
  throw new BerthError('INVALID_SCHEDULER', `"${String(v)}" is not a scheduler: use ${SCHEDULER_NAMES.join(' or ')}.`);
}
/** `placement`: "node.labels.db==a,node.role==worker" or an array of constraints. */
function placementOf(v: unknown): string[] | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const words = Array.isArray(v) ? v : [v];
  if (!words.every((w) => typeof w === 'string')) throw new BerthError('INVALID_INPUT', '"placement" must be a string or an array of strings.');
  return parsePlacement(words as string[]);
}
const p = (req: Request) => ({ plugin: String(req.params.plugin), name: String(req.params.name) });

/** The generic service API every service plugin gets: `/services/<plugin>/<name>/…`. */
export function servicesRoutes(berth: HttpServices): GuardedRouter {
  const { kit, links, backup } = berth.services;
  const r = strictRouter();
  r.get('/services', need.read, (_req, res) => {
    res.json({
      plugins: berth.services.plugins.catalog.list().map((s) => ({
        id: s.id, version: s.version, image: s.image, port: s.descriptor.port, envAlias: s.descriptor.envAlias, scheme: s.descriptor.scheme,
        export: typeof s.descriptor.export === 'function', import: typeof s.descriptor.import === 'function',
      })),
    } satisfies ServicePluginsResponse);
  });
  r.get('/services/:plugin', need.read, async (req, res) => {
    const list = kit.list(req.params.plugin);
    res.json({ services: visibleServices(berth, req.user!, await Promise.all(list.map((s) => kit.info(s.plugin, s.name)))) } satisfies ServicesListResponse);
  });
  r.post('/services/:plugin', need.admin, async (req, res) => {
    const b = body(req);
    const service = await kit.create({
      plugin: req.params.plugin, name: requiredString(b.name, 'name'), image: optionalString(b.image, 'image'), user: userName(req),
      scheduler: schedulerOf(b.scheduler), placement: placementOf(b.placement),
    });
    res.status(201).json({ service } satisfies ServiceResponse);
  });
  r.get('/services/:plugin/:name', need.serviceRead, async (req, res) => { res.json({ service: serviceFor(req.user!, await kit.info(p(req).plugin, p(req).name)) } satisfies ServiceResponse); });
  r.delete('/services/:plugin/:name', need.serviceAdmin, async (req, res) => {
    const b = body(req);
    const out = await kit.destroy({ ...p(req), confirm: b.confirm, force: b.force === true, user: userName(req) });
    res.json(out satisfies ServiceDestroyResponse);
  });
  r.post('/services/:plugin/:name/links', need.serviceAdmin, async (req, res) => {
    const b = body(req);
    const out = await links.link({ ...p(req), app: requiredString(b.app, 'app'), alias: optionalString(b.alias, 'alias'), user: userName(req) });
    res.status(201).json(out satisfies ServiceLinkResponse);
  });
  r.delete('/services/:plugin/:name/links/:app', need.serviceAdmin, async (req, res) => {
    res.json(await links.unlink({ ...p(req), app: String(req.params.app), user: userName(req) }) satisfies ServiceLinkResponse);
  });
  r.get('/services/:plugin/:name/logs', need.serviceRead, async (req, res) => {
    const tail = positiveInt(req.query.tail, 'tail') ?? 100;
    res.type('text/plain').send(await kit.logs(p(req).plugin, p(req).name, Math.min(tail, 10_000)));
  });
  r.post('/services/:plugin/:name/:action', need.serviceAdmin, async (req, res, next) => {
    const { plugin, name } = p(req);
    const action = String(req.params.action);
    if (!['stop', 'start', 'restart'].includes(action)) return next();
    if (action === 'stop') await kit.stop(plugin, name);
    else if (action === 'start') await kit.start(plugin, name);
    else await kit.restart(plugin, name);
    res.json({ service: await kit.info(plugin, name) } satisfies ServiceResponse);
  });
  r.post('/services/:plugin/:name/expose', need.serviceAdmin, async (req, res) => {
    const b = body(req);
    res.json({ service: await kit.expose({ ...p(req), port: b.port as number, user: userName(req) }) } satisfies ServiceResponse);
  });
  r.delete('/services/:plugin/:name/expose', need.serviceAdmin, async (req, res) => {
    res.json({ service: await kit.unexpose({ ...p(req), user: userName(req) }) } satisfies ServiceResponse);
  });
  r.post('/services/:plugin/:name/upgrade', need.serviceAdmin, async (req, res) => {
    const b = body(req);
    res.json({ service: await kit.upgrade({ ...p(req), image: optionalString(b.image, 'image'), user: userName(req) }) } satisfies ServiceResponse);
  });
  /** The backup as a stream. An error after the first byte cuts the connection, so a client never takes half a dump for a whole one. */
  r.get('/services/:plugin/:name/export', need.serviceRead, async (req, res) => {
    const run = await backup.prepareExport(p(req).plugin, p(req).name);
    res.status(200).type('application/octet-stream');
    res.setHeader('content-disposition', `attachment; filename="${p(req).plugin}-${p(req).name}.dump"`);
    try {
      await run(res);
      res.end();
    } catch (e) {
      res.destroy(e as Error);
    }
  });
  /** Raw body (application/octet-stream): the dump `export` made. */
  r.post('/services/:plugin/:name/import', need.serviceAdmin, async (req, res) => {
    // A JSON body was already read by the API's JSON parser: the stream would never end again, and
    // the restore would wait for it until the client gave up. (After the lookup, so a bad or unknown
    // name answers as on every other service route.)
    kit.find(p(req).plugin, p(req).name);
    if (req.body !== undefined) throw new BerthError('INVALID_INPUT', `Send the dump as application/octet-stream: \`berth ${p(req).plugin}:import ${p(req).name} < dump-file\`.`);
    await backup.import({ ...p(req), input: req, user: userName(req) });
    res.json({ service: await kit.info(p(req).plugin, p(req).name) } satisfies ServiceResponse);
  });
  return r;
}

import { appPath } from '../api-client';
import type { ArgSpec, VerbContext, VerbGroup } from '../types';
import type { PortsChange, PortsReport } from '../api-types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };
const MAPPINGS: ArgSpec = {
  name: 'mapping', variadic: true,
  summary: 'scheme:host-port:container-port, e.g. http:80:5000 (80/443 are the router\'s HTTP/HTTPS ports).',
};

/** Older servers leave `inUse` and `source` out. */
type Ports = Pick<PortsReport, 'ports'> & Partial<Omit<PortsReport, 'ports'>>;

async function show(ctx: VerbContext, res: Ports): Promise<void> {
  if (ctx.json) return ctx.out.json(res);
  ctx.out.heading(`${ctx.arg('app')} ports`);
  const inUse = res.inUse ?? res.ports;
  if (inUse.length === 0) return ctx.out.write('default: http:80:<the release\'s port> (and https:443 with a certificate)\n');
  ctx.out.write(inUse.map((p) => `${p}\n`).join(''));
  if (res.source && res.source !== 'ports:set') ctx.out.write(`(from ${res.source}; ports:set replaces them)\n`);
}

const change = async (ctx: VerbContext, body: PortsChange) =>
  show(ctx, await ctx.api().json<Ports>('PATCH', appPath(ctx.arg('app'), '/ports'), body));

export const portsVerbs: VerbGroup = {
  name: 'ports',
  summary: 'Which router ports forward to which container ports',
  verbs: [
    {
      name: 'ports:report', aliases: ['ports'], usage: 'berth ports:report <app>', summary: 'List the app\'s port mappings.', args: [APP], options: [],
      async run(ctx) { await show(ctx, await ctx.api().get<Ports>(appPath(ctx.arg('app'), '/ports'))); },
    },
    {
      name: 'ports:add', usage: 'berth ports:add <app> <mapping>...', summary: 'Add port mappings and re-route the app.', args: [APP, MAPPINGS], options: [],
      async run(ctx) { await change(ctx, { add: [...ctx.args.rest] }); },
    },
    {
      name: 'ports:remove', usage: 'berth ports:remove <app> <mapping>...', summary: 'Remove port mappings and re-route the app.', args: [APP, MAPPINGS], options: [],
      async run(ctx) { await change(ctx, { remove: [...ctx.args.rest] }); },
    },
    {
      name: 'ports:set', usage: 'berth ports:set <app> <mapping>...', summary: 'Replace the app\'s port mappings.', args: [APP, MAPPINGS], options: [],
      async run(ctx) { await change(ctx, { set: [...ctx.args.rest] }); },
    },
    {
      name: 'ports:clear', usage: 'berth ports:clear <app>', summary: 'Go back to the default mapping.', args: [APP], options: [],
      async run(ctx) { await change(ctx, { clear: true }); },
    },
  ],
};

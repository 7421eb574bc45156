import { CliError } from '../cli-error';
import { appPath } from '../api-client';
import type { QueuedBuild } from '../api-types';
import { followQueued } from '../follow-build';
import { keyValues, table } from '../output';
import type { ArgSpec, VerbContext, VerbGroup } from '../types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

interface NodeRow { id: string; hostname: string; role: string; status: string; availability: string; addr: string; leader: boolean; labels: Record<string, string> }
interface Report {
  app: string; setting: string | null; scheduler: string; placement: string[];
  status: { processes: { type: string; desired: number; running: number; instances: { name: string; node: string | null; state: string; address: string | null }[] }[] };
}

interface SwarmInit { created: boolean; managerAddr: string; joinCommand: string; registry: string; registryReachable: boolean; registryCa?: string | null }

const labelsText = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') || '-';

/** Prints the answer, then follows the re-release it queued (if any). */
async function followIfQueued(ctx: VerbContext, app: string, res: Partial<QueuedBuild> & Record<string, unknown>, line: string): Promise<void> {
  if (!res.build) {
    if (ctx.json) return ctx.out.json(res);
    return ctx.out.line(line);
  }
  if (!ctx.json) ctx.out.line(line);
  await followQueued(ctx, app, res as QueuedBuild, res);
}

export const schedulersVerbs: VerbGroup = {
  name: 'scheduler',
  summary: 'Schedulers (docker-local, swarm) and swarm nodes',
  verbs: [
    {
      name: 'scheduler:set',
      usage: 'berth scheduler:set <app> <scheduler> [value]',
      summary: 'Run the app on docker-local or swarm (default: BERTH_SCHEDULER); a deployed app is re-released onto it, keeping domains, config and services. dokku\'s form `scheduler:set <app> selected <scheduler>` works too (no scheduler: the default).',
      args: [APP, { name: 'scheduler', summary: 'docker-local, swarm, or default; or the key selected.' },
        { name: 'value', optional: true, summary: 'With selected: the scheduler.' }],
      options: [],
      async run(ctx) {
        const app = ctx.arg('app');
        const selected = ctx.arg('scheduler') === 'selected';
        if (!selected && ctx.args.positional.value !== undefined) throw new CliError('USAGE', `scheduler:set <app> ${ctx.arg('scheduler')} takes no value; dokku's scheduler properties other than selected are not berth's.`);
        const scheduler = selected ? ctx.args.positional.value || 'default' : ctx.arg('scheduler');
        const res = await ctx.api().json<Partial<QueuedBuild> & { scheduler: string }>('PATCH', appPath(app, '/scheduler'), { scheduler });
        await followIfQueued(ctx, app, res, `-----> ${app} runs on ${res.scheduler}`);
      },
    },
    {
      name: 'scheduler:report',
      usage: 'berth scheduler:report <app>',
      summary: 'The app\'s scheduler, placement, and where each process runs (node, state, address).',
      args: [APP],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<{ scheduler: Report }>(appPath(ctx.arg('app'), '/scheduler'));
        if (ctx.json) return ctx.out.json(res);
        const r = res.scheduler;
        ctx.out.heading(`${r.app} scheduler`);
        ctx.out.write(keyValues([['Scheduler', `${r.scheduler}${r.setting ? '' : ' (default)'}`], ['Placement', r.placement.join(', ') || 'any node']]));
        const rows = r.status.processes.flatMap((p) => p.instances.map((i) => [p.type, i.name, i.node ?? '-', i.state, i.address ?? '-']));
        if (rows.length > 0) ctx.out.write(table(['TYPE', 'NAME', 'NODE', 'STATE', 'ADDRESS'], rows));
      },
    },
    {
      name: 'swarm:init',
      usage: 'berth swarm:init [--advertise-addr <address>]',
      summary: 'Make this Docker engine a swarm manager (unless it is one), start berth\'s registry, and print how to join more nodes (admins only).',
      args: [],
      options: [{ name: 'advertise-addr', value: '<address>', summary: 'This host\'s address that other nodes reach (docker picks one when the host has only one).' }],
      async run(ctx) {
        const addr = ctx.args.options['advertise-addr'];
        const res = await ctx.api().json<{ swarm: SwarmInit }>('POST', '/api/v1/swarm/init', typeof addr === 'string' ? { advertiseAddr: addr } : {});
        if (ctx.json) return ctx.out.json(res);
        const s = res.swarm;
        ctx.out.line(s.created ? `-----> Swarm initialised: this engine is its manager (${s.managerAddr})` : `-----> This engine already manages a swarm (${s.managerAddr})`);
        ctx.out.line(`-----> berth's registry: ${s.registry}`);
        ctx.out.line('       Apps run on it with: berth scheduler:set <app> swarm');
        // The registry speaks TLS from berth's own CA (docs/swarm.md): each node trusts that CA for it.
        ctx.out.line(`       To add a node: install docker.io there, copy berth's ${s.registryCa ?? 'registry CA'} (on this host)`);
        ctx.out.line(`       to its /etc/docker/certs.d/${s.registry}/ca.crt, then run:`);
        ctx.out.line(`         ${s.joinCommand}`);
        if (!s.registryReachable) {
          ctx.out.line(`       Note: the registry listens on ${s.registry} (loopback), which other nodes cannot reach: set`);
          ctx.out.line('       BERTH_REGISTRY_ADDR to this host\'s private address and restart berth before joining nodes.');
        }
      },
    },
    {
      name: 'nodes',
      aliases: ['nodes:list'],
      usage: 'berth nodes',
      summary: 'The swarm\'s nodes: hostname, role, status, availability, address and labels.',
      args: [],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<{ nodes: NodeRow[] }>('/api/v1/nodes');
        if (ctx.json) return ctx.out.json(res);
        ctx.out.write(table(['ID', 'HOSTNAME', 'ROLE', 'STATUS', 'AVAILABILITY', 'ADDRESS', 'LABELS'],
          res.nodes.map((n) => [n.id.slice(0, 12), n.hostname, `${n.role}${n.leader ? ' (leader)' : ''}`, n.status, n.availability, n.addr, labelsText(n.labels)])));
      },
    },
    {
      name: 'nodes:label',
      usage: 'berth nodes:label <node> <labels>...',
      summary: 'Set labels on a swarm node (key= removes one); placement constraints such as node.labels.zone==a use them.',
      args: [{ name: 'node', summary: 'Node id (or prefix) or hostname.' }, { name: 'labels', summary: 'key=value pairs (key= removes a label).', variadic: true }],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<{ node: NodeRow }>('POST', `/api/v1/nodes/${encodeURIComponent(ctx.arg('node'))}/labels`, { labels: [...ctx.args.rest] });
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${res.node.hostname}: ${labelsText(res.node.labels)}`);
      },
    },
  ],
};

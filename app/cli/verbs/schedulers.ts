import { CliError } from '../cli-error';
import { appPath } from '../api-client';
import type { QueuedBuild, SchedulerReportResponse, SchedulerSetResponse, SwarmInitResponse, NodeAddResponse, NodeListedView, NodesListedResponse, NodeResponse, SchedulerSetRequest, NodeLabelsRequest, RouterReportResponse, RouterForgetResponse, RouterRemoveResponse } from '../api-types';
import { followQueued } from '../follow-build';
import { keyValues, table } from '../output';
import type { ArgSpec, VerbContext, VerbGroup } from '../types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

const labelsText = (labels: Readonly<Record<string, string>>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') || '-';

const ago = (now: number, at: number) => (at === 0 ? '-' : `${Math.max(0, Math.round((now - at) / 1000))} s ago`);

/** Prints the answer, then follows the re-release it queued (if any). */
async function followIfQueued(ctx: VerbContext, app: string, res: Partial<QueuedBuild> & Record<string, unknown>, line: string): Promise<void> {
  if (!res.build) {
    if (ctx.json) return ctx.out.json(res);
    return ctx.out.line(line);
  }
  if (!ctx.json) ctx.out.line(line);
  await followQueued(ctx, app, res as QueuedBuild, res);
}

/** Streams a node operation's progress; its last line says when it failed (`@@berth-error <code> <message>`). */
async function nodeProgress(ctx: VerbContext, action: 'drain' | 'remove' | 'deploy'): Promise<void> {
  let failure: CliError | null = null;
  const url = action === 'deploy' ? '/api/v1/routers/deploy' : `/api/v1/nodes/${encodeURIComponent(ctx.arg('node'))}/${action}`;
  await ctx.api().lines(url, (line) => {
    const m = /^@@berth-error (\S+) (.*)$/.exec(line);
    if (m) failure = new CliError(m[1], m[2]);
    else ctx.out.line(line);
  }, { method: 'POST', body: {}, waiting: `waiting for the ${action}…` });
  if (failure) throw failure;
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
        const res = await ctx.api().json<SchedulerSetResponse>('PATCH', appPath(app, '/scheduler'), { scheduler } satisfies SchedulerSetRequest);
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
        const res = await ctx.api().get<SchedulerReportResponse>(appPath(ctx.arg('app'), '/scheduler'));
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
        const res = await ctx.api().json<SwarmInitResponse>('POST', '/api/v1/swarm/init', typeof addr === 'string' ? { advertiseAddr: addr } : {});
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
      summary: 'The swarm\'s nodes: hostname, role, status, availability, address, labels, and the router agent on it (its route version and state; router:report says more).',
      args: [],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<NodesListedResponse>('/api/v1/nodes');
        if (ctx.json) return ctx.out.json(res);
        const router = (n: NodeListedView) => (n.router ? `${n.router.name} v${n.router.version} ${n.router.state}` : '-');
        ctx.out.write(table(['ID', 'HOSTNAME', 'ROLE', 'STATUS', 'AVAILABILITY', 'ADDRESS', 'LABELS', 'ROUTER'],
          res.nodes.map((n) => [n.id.slice(0, 12), n.hostname, `${n.role}${n.leader ? ' (leader)' : ''}`, n.status, n.availability, n.addr, labelsText(n.labels), router(n)])));
      },
    },
    {
      name: 'nodes:add',
      usage: 'berth nodes:add [--manager]',
      summary: 'Print how a new machine joins the swarm: what it needs (docker, berth\'s registry CA) and the join command with its token (admins only).',
      args: [],
      options: [{ name: 'manager', summary: 'Join as a manager (a router on each manager: docs/scaling.md), not a worker.' }],
      async run(ctx) {
        const res = await ctx.api().json<NodeAddResponse>('POST', '/api/v1/nodes/add', { role: ctx.args.options.manager ? 'manager' : 'worker' });
        if (ctx.json) return ctx.out.json(res);
        const n = res.node;
        ctx.out.line(`-----> To add a ${n.role} node to this swarm (manager ${n.managerAddr}), on the new machine:`);
        ctx.out.line('       1. Install Docker Engine (Debian/Ubuntu: apt-get install docker.io); it must reach this');
        ctx.out.line(`          manager on ${n.managerAddr} (TCP) and 7946 (TCP/UDP), 4789 (UDP) for overlay networks.`);
        // The registry speaks TLS from berth's own CA (docs/swarm.md): each node trusts that CA for it.
        ctx.out.line(`       2. Trust berth's registry ${n.registry}: copy ${n.registryCa ?? 'the registry CA'} (on this host)`);
        ctx.out.line(`          to /etc/docker/certs.d/${n.registry}/ca.crt there (mkdir -p the folder first).`);
        ctx.out.line('       3. Join:');
        ctx.out.line(`          ${n.joinCommand}`);
        ctx.out.line('       `berth nodes` then lists it; `berth ps:rebalance <app>` spreads an app\'s replicas onto it.');
        if (!n.registryReachable) {
          ctx.out.line(`       Note: the registry listens on ${n.registry} (loopback), which other nodes cannot reach: set`);
          ctx.out.line('       BERTH_REGISTRY_ADDR to this host\'s private address and restart berth before joining nodes.');
        }
      },
    },
    {
      name: 'nodes:drain',
      usage: 'berth nodes:drain <node>',
      summary: 'Move the work off a swarm node: swarm reschedules its tasks on the other nodes; waits until each berth service runs elsewhere, showing progress (admins only).',
      args: [{ name: 'node', summary: 'Node id (or prefix) or hostname.' }],
      options: [],
      async run(ctx) { await nodeProgress(ctx, 'drain'); },
    },
    {
      name: 'nodes:remove',
      usage: 'berth nodes:remove <node>',
      summary: 'Drain a worker node (as nodes:drain), then remove it from the swarm (admins only; demote a manager first).',
      args: [{ name: 'node', summary: 'Node id (or prefix) or hostname.' }],
      options: [],
      async run(ctx) { await nodeProgress(ctx, 'remove'); },
    },
    {
      name: 'router:report',
      usage: 'berth router:report',
      summary: 'The routers on the managers (router agents, BERTH_ROUTER_FEED): the route version each serves against the latest, and what to do about one that is behind, silent or refused a route (admins only).',
      args: [],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<RouterReportResponse>('/api/v1/routers');
        if (ctx.json) return ctx.out.json(res);
        const r = res.routers;
        const now = Date.now();
        ctx.out.line(`Route version: ${r.version}${r.publishedAt ? ` (published ${ago(now, r.publishedAt)})` : ' (nothing published: is BERTH_ROUTER_FEED on?)'}`);
        if (r.routers.length === 0) return ctx.out.line('No router agent has reported.');
        ctx.out.write(table(['ROUTER', 'NODE', 'ADDRESS', 'VERSION', 'STATE', 'APPLIED', 'SEEN'],
          r.routers.map((a) => [a.name, a.nodeId ? a.nodeId.slice(0, 12) : '-', a.address, String(a.version), a.state, ago(now, a.appliedAt), ago(now, a.seenAt)])));
        for (const a of r.routers) if (a.problem) ctx.out.line(`${a.name}: ${a.problem}`);
      },
    },
    {
      name: 'router:deploy',
      usage: 'berth router:deploy',
      summary: 'Run a router agent on every swarm node labelled berth.router=true (`nodes:label <node> berth.router=true`; never berth\'s own node): builds berth/router-agent:<version>, pushes it to berth\'s registry and creates or updates the global service berth-router (admins only; needs BERTH_ROUTER_FEED=true and BERTH_ROUTER_REDIS_URL).',
      args: [],
      options: [],
      async run(ctx) { await nodeProgress(ctx, 'deploy'); },
    },
    {
      name: 'router:remove',
      usage: 'berth router:remove',
      summary: 'Remove the berth-router service: swarm stops every router agent berth runs (admins only). Their last reports stay until router:forget.',
      args: [],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<RouterRemoveResponse>('POST', '/api/v1/routers/remove', {});
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(res.removed ? '-----> berth-router removed: swarm stops its router agents' : '-----> No berth-router service to remove');
      },
    },
    {
      name: 'router:forget',
      usage: 'berth router:forget <router>',
      summary: 'Forget a router agent taken away for good, so router:report stops listing it (admins only).',
      args: [{ name: 'router', summary: 'The router\'s name (router:report).' }],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<RouterForgetResponse>('DELETE', `/api/v1/routers/${encodeURIComponent(ctx.arg('router'))}`);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${res.forgotten} forgotten`);
      },
    },
    {
      name: 'nodes:label',
      usage: 'berth nodes:label <node> <labels>...',
      summary: 'Set labels on a swarm node (key= removes one); placement constraints such as node.labels.zone==a use them.',
      args: [{ name: 'node', summary: 'Node id (or prefix) or hostname.' }, { name: 'labels', summary: 'key=value pairs (key= removes a label).', variadic: true }],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<NodeResponse>('POST', `/api/v1/nodes/${encodeURIComponent(ctx.arg('node'))}/labels`, { labels: [...ctx.args.rest] } satisfies NodeLabelsRequest);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${res.node.hostname}: ${labelsText(res.node.labels)}`);
      },
    },
  ],
};

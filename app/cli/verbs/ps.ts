import { appPath } from '../api-client';
import { appliedCpus, appliedMemory, type AppliedLimits } from '../applied-limits';
import type { AppProcessReport as Contract, PlacementRequest, PlacementResponse, PsSettingsResponse, QueuedBuild, ScaleResponse } from '../api-types';
import { CliError } from '../cli-error';
import { followQueued } from '../follow-build';
import { keyValues, table } from '../output';
import type { ArgSpec, VerbContext, VerbGroup } from '../types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

/** `GET /ps`'s report; the fields older servers leave out are optional here. */
type AppProcessReport = Omit<Contract, 'scheduler' | 'applied' | 'crashing' | 'crashes' | 'failedDeploy' | 'retireWait' | 'stopTimeout' | 'draining'>
  & Partial<Pick<Contract, 'scheduler' | 'applied' | 'crashing' | 'crashes' | 'failedDeploy' | 'retireWait' | 'stopTimeout' | 'draining'>>;

/** ps:set names, dokku's too, → the API's field. */
const DRAIN_SETTINGS: Record<string, 'retireWait' | 'stopTimeout'> = {
  'retire-wait': 'retireWait', 'wait-to-retire': 'retireWait', 'stop-timeout': 'stopTimeout', 'stop-timeout-seconds': 'stopTimeout',
};

/** POSTs a ps action and follows the queued job's log. */
async function queue(ctx: VerbContext, action: string, body: unknown = {}): Promise<void> {
  const app = ctx.arg('app');
  const res = await ctx.api().json<QueuedBuild>('POST', appPath(app, `/ps/${action}`), body);
  await followQueued(ctx, app, res);
}

function parseScale(words: readonly string[]): Record<string, number> {
  const scale: Record<string, number> = {};
  for (const w of words) {
    const m = /^([^=]+)=(\d+)$/.exec(w);
    if (!m) throw new CliError('USAGE', `"${w}" is not <type>=<count>`, { hint: 'Example: berth ps:scale myapp web=2 worker=1' });
    scale[m[1]] = Number(m[2]);
  }
  return scale;
}

/** `ps:set <app> placement <constraints>`: a swarm app is re-released so its services get them. */
async function setPlacement(ctx: VerbContext): Promise<void> {
  const app = ctx.arg('app');
  const res = await ctx.api().json<PlacementResponse>('PATCH', appPath(app, '/placement'), { placement: ctx.arg('value') } satisfies PlacementRequest);
  if (!ctx.json) ctx.out.line(`-----> Placement of ${app}: ${res.placement.join(', ') || 'any node'}`);
  if (res.build) return followQueued(ctx, app, res as QueuedBuild, res);
  if (ctx.json) ctx.out.json(res);
}

export const psVerbs: VerbGroup = {
  name: 'ps',
  summary: 'Process types: scale, restart, stop, start, rebuild, restart policy',
  verbs: [
    {
      name: 'ps:report',
      aliases: ['ps'],
      usage: 'berth ps:report <app>',
      summary: 'Per process type: desired and running containers (swarm apps: tasks), with state, release, and start time or node and address.',
      args: [APP],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<{ report: AppProcessReport }>(appPath(ctx.arg('app'), '/ps'));
        if (ctx.json) return ctx.out.json(res);
        const r = res.report;
        ctx.out.heading(`${r.app} processes`);
        ctx.out.write(keyValues([
          ['Status', r.crashing?.length ? `${r.status}, crashing: ${r.crashing.join(', ')}` : r.status],
          ['Release', r.release === null ? '-' : `v${r.release}`],
          ...(r.scheduler === 'swarm' ? [['Scheduler', 'swarm (tasks of swarm services)'] as [string, string]] : []),
          ['Restart policy', r.restartPolicy],
          ['Limits', `memory ${appliedMemory(r)}, cpus ${appliedCpus(r)}`],
          ...(r.retireWait !== undefined ? [['Retiring', `drain up to ${r.retireWait} s, then SIGTERM, SIGKILL after ${r.stopTimeout} s`] as [string, string]] : []),
        ]));
        if (r.failedDeploy) {
          ctx.out.line(`Last deploy failed: build ${r.failedDeploy.build} (${r.failedDeploy.kind}) ${r.failedDeploy.at}: ${r.failedDeploy.error ?? 'no reason recorded'}`);
          ctx.out.line(`  its log: berth builds:log ${r.app} ${r.failedDeploy.build}`);
        }
        for (const c of r.crashes ?? []) {
          ctx.out.line(`Crashing: ${c.container} (${c.process}, ${c.state}, last exit code ${c.exitCode ?? 'unknown'}, ${c.restarts} restart${c.restarts === 1 ? '' : 's'}); its last lines:`);
          for (const l of c.lastLines) ctx.out.line(`  ${l}`);
        }
        // A swarm type swarm cannot place (pinned to a node that is down): what is wrong and what to do.
        for (const p of r.processes) if (p.problem) ctx.out.line(`Down: ${p.problem}`);
        if (r.draining?.length) {
          ctx.out.write(table(['RETIRING', 'PHASE', 'OPEN CONNECTIONS', 'SINCE'], r.draining.map((d) => [d.name, d.phase, d.connections === null ? '-' : String(d.connections), d.since])));
        }
        if (!r.processes.length) return;
        if (r.scheduler === 'swarm') {
          ctx.out.write(table(['PROCESS', 'RUNNING/DESIRED', 'TASK', 'STATE', 'RELEASE', 'NODE', 'ADDRESS'], r.processes.flatMap((p) => {
            const head = [p.type, `${p.running}/${p.desired}`];
            if (!p.containers.length) return [[...head, '-', '', '', '', '']];
            return p.containers.map((c, i) => [...(i === 0 ? head : ['', '']), c.name, c.state, c.release === null ? '' : `v${c.release}`, c.node ?? '', c.ip ?? '']);
          })));
          return;
        }
        ctx.out.write(table(['PROCESS', 'RUNNING/DESIRED', 'CONTAINER', 'STATE', 'RELEASE', 'STARTED'], r.processes.flatMap((p) => {
          const head = [p.type, `${p.running}/${p.desired}`];
          if (!p.containers.length) return [[...head, '-', '', '', '']];
          return p.containers.map((c, i) => [...(i === 0 ? head : ['', '']), c.name, c.state, c.release === null ? '' : `v${c.release}`, c.startedAt ?? '']);
        })));
      },
    },
    {
      name: 'ps:scale',
      usage: 'berth ps:scale <app> [type=count]...',
      summary: 'Set how many containers of each process type run (0–50), without dropping requests; no counts shows the scale.',
      args: [APP, { name: 'type=count', variadic: true, optional: true, summary: 'Process types of the current release, e.g. web=3 worker=1.' }],
      options: [],
      async run(ctx) {
        if (!ctx.args.rest.length) {
          const res = await ctx.api().get<ScaleResponse>(appPath(ctx.arg('app'), '/ps/scale'));
          if (ctx.json) return ctx.out.json(res);
          ctx.out.heading(`${ctx.arg('app')} scale`);
          ctx.out.write(table(['PROCESS', 'COUNT'], Object.entries(res.scale)));
          return;
        }
        await queue(ctx, 'scale', { scale: parseScale(ctx.args.rest) });
      },
    },
    {
      name: 'ps:restart',
      usage: 'berth ps:restart <app> [process]',
      summary: 'Replace the app\'s containers (web ones are healthy before the old ones stop).',
      args: [APP, { name: 'process', optional: true, summary: 'Only this process type; default all.' }],
      options: [],
      async run(ctx) {
        await queue(ctx, 'restart', ctx.args.positional.process ? { process: ctx.args.positional.process } : {});
      },
    },
    {
      name: 'ps:rebalance',
      usage: 'berth ps:rebalance <app>',
      summary: 'Spread a swarm app\'s replicas over the nodes that are up again (after a node came back): new tasks pass their checks and take the route, then the old ones drain.',
      args: [APP],
      options: [],
      async run(ctx) { await queue(ctx, 'rebalance'); },
    },
    {
      name: 'ps:stop',
      usage: 'berth ps:stop <app>',
      summary: 'Stop every container; the router answers "app down" until `ps:start`. The scale is kept.',
      args: [APP],
      options: [],
      async run(ctx) { await queue(ctx, 'stop'); },
    },
    {
      name: 'ps:start',
      usage: 'berth ps:start <app>',
      summary: 'Start a stopped app with its scale.',
      args: [APP],
      options: [],
      async run(ctx) { await queue(ctx, 'start'); },
    },
    {
      name: 'ps:rebuild',
      usage: 'berth ps:rebuild <app>',
      summary: 'Build the deploy branch\'s current commit again and deploy it.',
      args: [APP],
      options: [],
      async run(ctx) { await queue(ctx, 'rebuild'); },
    },
    {
      name: 'ps:set',
      usage: 'berth ps:set <app> <setting> <value>',
      summary: 'Set the restart policy: no, always, unless-stopped (default) or on-failure[:N]; retire-wait (seconds an old container may drain its open connections, default 60) or stop-timeout (seconds from SIGTERM to SIGKILL, default 30), dokku\'s wait-to-retire and stop-timeout-seconds too; or swarm placement (node.labels.zone==a, none).',
      args: [APP, { name: 'setting', summary: 'restart-policy, retire-wait, stop-timeout or placement.' }, { name: 'value', summary: 'The policy, e.g. on-failure:5; seconds (default: berth\'s); or constraints, comma-separated.' }],
      options: [],
      async run(ctx) {
        if (ctx.arg('setting') === 'placement') return setPlacement(ctx);
        const drain = DRAIN_SETTINGS[ctx.arg('setting')];
        if (drain) {
          const res = await ctx.api().json<PsSettingsResponse>('PATCH', appPath(ctx.arg('app'), '/ps'), { [drain]: ctx.arg('value') });
          if (ctx.json) return ctx.out.json(res);
          ctx.out.line(`-----> ${ctx.arg('app')}: old containers drain up to ${res.retireWait} s, then SIGTERM, SIGKILL after ${res.stopTimeout} s`);
          return;
        }
        if (ctx.arg('setting') !== 'restart-policy') throw new CliError('USAGE', `unknown ps setting "${ctx.arg('setting')}"`, { hint: 'Settings: restart-policy, retire-wait, stop-timeout, placement' });
        const res = await ctx.api().json<PsSettingsResponse>('PATCH', appPath(ctx.arg('app'), '/ps'), { restartPolicy: ctx.arg('value') });
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Restart policy of ${ctx.arg('app')}: ${res.restartPolicy}`);
        ctx.out.note(`       Applies to containers started from now on: berth ps:restart ${ctx.arg('app')}`);
      },
    },
  ],
};

import { appPath } from '../api-client';
import { appliedCpus, appliedMemory } from '../applied-limits';
import type { ResourcesRequest, ResourcesView } from '../api-types';
import { CliError } from '../cli-error';
import { keyValues } from '../output';
import type { ArgSpec, VerbGroup } from '../types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

/** `{ resources }`; older servers leave `applied` out. */
type Resources = Omit<ResourcesView, 'applied'> & Partial<Pick<ResourcesView, 'applied'>>;

const show = (r: Resources): string => keyValues([
  ['Memory', appliedMemory(r)],
  ['CPUs', appliedCpus(r)],
]);

export const resourceVerbs: VerbGroup = {
  name: 'resource',
  summary: 'Memory and CPU limits of an app\'s containers',
  verbs: [
    {
      name: 'resource:limit',
      usage: 'berth resource:limit <app> [--memory <size>] [--cpu <cpus>]',
      summary: 'Limit each container\'s memory (512m, 2g) and CPUs (0.5); 0 removes a limit. Applies to containers started from now on.',
      args: [APP],
      options: [
        { name: 'memory', value: '<size>', summary: 'e.g. 512m or 2g; 0 for berth\'s default (BERTH_DEFAULT_MEMORY).' },
        { name: 'cpu', value: '<cpus>', summary: 'e.g. 0.5 or 2 (at most the host\'s CPUs); 0 for berth\'s default (BERTH_DEFAULT_CPUS).' },
      ],
      async run(ctx) {
        const { memory, cpu } = ctx.args.options;
        if (memory === undefined && cpu === undefined) throw new CliError('USAGE', 'give --memory and/or --cpu', { hint: 'Example: berth resource:limit myapp --memory 512m --cpu 0.5' });
        const res = await ctx.api().json<{ resources: Resources }>('PATCH', appPath(ctx.arg('app'), '/resources'), { memory, cpus: cpu });
        if (ctx.json) return ctx.out.json(res);
        ctx.out.heading(`${ctx.arg('app')} resource limits`);
        ctx.out.write(show(res.resources));
        ctx.out.note(`       Applies to containers started from now on: berth ps:restart ${ctx.arg('app')}`);
      },
    },
    {
      name: 'resource:report',
      usage: 'berth resource:report <app>',
      summary: 'Show the memory and CPU limits.',
      args: [APP],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<{ resources: Resources }>(appPath(ctx.arg('app'), '/resources'));
        if (ctx.json) return ctx.out.json(res);
        ctx.out.heading(`${ctx.arg('app')} resource limits`);
        ctx.out.write(show(res.resources));
      },
    },
  ],
};

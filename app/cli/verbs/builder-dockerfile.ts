import { CliError } from '../cli-error';
import { appPath } from '../api-client';
import type { ArgSpec, VerbContext, VerbGroup } from '../types';
import type { BuilderDockerfileReport as Report, BuilderDockerfileChange, DockerOptionsResponse, DockerOptionsChange } from '../api-types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

function showReport(ctx: VerbContext, r: Report): void {
  if (ctx.json) return ctx.out.json(r);
  ctx.out.heading(`${ctx.arg('app')} builder-dockerfile`);
  ctx.out.write(`dockerfile-path:  ${r['dockerfile-path']}\nbuild-dir:        ${r['build-dir'] ?? '(the whole repo)'}\n`
    + `buildkit:         ${r.buildkit ? 'true (BuildKit)' : 'false (legacy builder)'}\ndocker-options build: ${r['docker-options-build'].join(' ') || 'none'}\n`);
}

async function showOptions(ctx: VerbContext, res: DockerOptionsResponse): Promise<void> {
  if (ctx.json) return ctx.out.json(res);
  ctx.out.heading(`${ctx.arg('app')} docker-options`);
  ctx.out.write(res.build.length ? `build: ${res.build.join(' ')}\n` : 'build: none\n');
}

function phase(ctx: VerbContext): void {
  if (ctx.arg('phase') !== 'build') throw new CliError('INVALID_INPUT', 'berth takes docker-options for the build phase only: docker-options:add <app> build \'--build-arg NAME=$CONFIG_VAR\'.');
}

export const builderDockerfileVerbs: VerbGroup = {
  name: 'builder-dockerfile',
  summary: 'Dockerfile builds: Dockerfile path, build dir (monorepos), BuildKit, build args',
  verbs: [
    {
      name: 'builder-dockerfile:set',
      usage: 'berth builder-dockerfile:set <app> <key> [value]',
      summary: 'Set dockerfile-path (e.g. path/Dockerfile), build-dir (the repo folder used as build context) or buildkit (false: the legacy builder); no value unsets.',
      args: [APP, { name: 'key', summary: 'dockerfile-path, build-dir or buildkit.' }, { name: 'value', optional: true, summary: 'The new value; none goes back to the default.' }],
      options: [],
      async run(ctx) {
        const value = ctx.args.positional.value ?? null;
        showReport(ctx, await ctx.api().json<Report>('PATCH', appPath(ctx.arg('app'), '/builder-dockerfile'), { key: ctx.arg('key'), value } satisfies BuilderDockerfileChange));
      },
    },
    {
      name: 'builder-dockerfile:report',
      usage: 'berth builder-dockerfile:report <app>',
      summary: 'Show the app\'s Dockerfile build settings.',
      args: [APP],
      options: [],
      async run(ctx) { showReport(ctx, await ctx.api().get<Report>(appPath(ctx.arg('app'), '/builder-dockerfile'))); },
    },
    {
      name: 'docker-options:add',
      usage: 'berth docker-options:add <app> <phase> <option>',
      summary: 'Add a build option: --build-arg NAME=VALUE, where VALUE may use $CONFIG_VAR (read from the app\'s config at each build).',
      args: [APP, { name: 'phase', summary: 'build (the only phase berth takes options for).' }, { name: 'option', variadic: true, literal: true, summary: 'e.g. \'--build-arg NPM_TOKEN=$NPM_TOKEN\' (quote it so your shell leaves $ alone).' }],
      options: [],
      async run(ctx) {
        phase(ctx);
        await showOptions(ctx, await ctx.api().json<DockerOptionsResponse>('PATCH', appPath(ctx.arg('app'), '/docker-options'), { phase: 'build', add: [ctx.args.rest.join(' ')] } satisfies DockerOptionsChange));
      },
    },
    {
      name: 'docker-options:remove',
      usage: 'berth docker-options:remove <app> <phase> <option>',
      summary: 'Remove a build option.',
      args: [APP, { name: 'phase', summary: 'build (the only phase berth takes options for).' }, { name: 'option', variadic: true, literal: true, summary: 'The option as docker-options:report shows it.' }],
      options: [],
      async run(ctx) {
        phase(ctx);
        await showOptions(ctx, await ctx.api().json<DockerOptionsResponse>('PATCH', appPath(ctx.arg('app'), '/docker-options'), { phase: 'build', remove: [ctx.args.rest.join(' ')] } satisfies DockerOptionsChange));
      },
    },
    {
      name: 'docker-options:report',
      usage: 'berth docker-options:report <app> [--<property>]',
      summary: 'List the app\'s build options (dokku\'s --docker-options-build; deploy and run are always empty in berth).',
      args: [APP],
      options: [],
      async properties(ctx) {
        const res = await ctx.api().get<DockerOptionsResponse>(appPath(ctx.arg('app'), '/docker-options'));
        return { 'docker-options-build': res.build.join(' '), 'docker-options-deploy': '', 'docker-options-run': '' };
      },
      async run(ctx) { await showOptions(ctx, await ctx.api().get<DockerOptionsResponse>(appPath(ctx.arg('app'), '/docker-options'))); },
    },
  ],
};

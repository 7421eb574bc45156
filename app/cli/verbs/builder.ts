import { CliError } from '../cli-error';
import { appPath } from '../api-client';
import type { AppResponse, AppSettingsResponse, BuilderChangeRequest, BuilderDockerfileReport, DeployBranchRequest } from '../api-types';
import { berthBuilder, berthBuildpack } from '../buildpack-urls';
import type { ArgSpec, OptionSpec, VerbContext, VerbGroup } from '../types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };
const INDEX: OptionSpec = { name: 'index', value: 'N', summary: 'dokku\'s position in the buildpack list; berth runs one buildpack, so only 1.' };

function oneBuildpack(index: string | true | undefined): void {
  if (index !== undefined && index !== '1') throw new CliError('USAGE', `berth runs one buildpack per app, so --index ${index === true ? '' : index} is not there; use --index 1 or leave it out.`);
}

/** buildpacks:set/add/clear: the one PATCH, and the line it prints. */
async function setBuildpack(ctx: VerbContext, app: string, buildpack: string): Promise<void> {
  const res = await ctx.api().json<AppSettingsResponse>('PATCH', appPath(app, '/builder'), { buildpack } satisfies BuilderChangeRequest);
  if (ctx.json) return ctx.out.json(res);
  ctx.out.line(`-----> ${res.app.name} buildpack: ${res.app.buildpack ?? 'detected'}`);
}

export const builderVerbs: VerbGroup = {
  name: 'builder',
  summary: 'How an app is built: builder, buildpack, deploy branch',
  verbs: [
    {
      name: 'builder:set',
      usage: 'berth builder:set <app> <builder> [value]',
      summary: 'Force the Dockerfile or the buildpacks, or go back to detection (auto); dokku\'s forms: `builder:set <app> selected <builder>` (herokuish and pack mean buildpack; no builder: auto) and `builder:set <app> build-dir <path>` (the monorepo build folder).',
      args: [APP, { name: 'builder', summary: 'dockerfile, buildpack or auto; or the key selected or build-dir.' },
        { name: 'value', optional: true, summary: 'With selected: the builder; with build-dir: the repo folder to build (none: the whole repo).' }],
      options: [],
      async run(ctx) {
        if (ctx.arg('builder') === 'build-dir') {
          const r = await ctx.api().json<BuilderDockerfileReport>('PATCH', appPath(ctx.arg('app'), '/builder-dockerfile'), { key: 'build-dir', value: ctx.args.positional.value ?? null });
          if (ctx.json) return ctx.out.json(r);
          return ctx.out.line(`-----> ${ctx.arg('app')} builds ${r['build-dir'] ? `from ${r['build-dir']}/` : 'the whole repo'}`);
        }
        const selected = ctx.arg('builder') === 'selected';
        if (!selected && ctx.args.positional.value !== undefined) throw new CliError('USAGE', `builder:set <app> ${ctx.arg('builder')} takes no value; only selected and build-dir do.`);
        const builder = selected ? berthBuilder(ctx.args.positional.value) : ctx.arg('builder');
        const res = await ctx.api().json<AppSettingsResponse>('PATCH', appPath(ctx.arg('app'), '/builder'), { builder } satisfies BuilderChangeRequest);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${res.app.name} builds with: ${res.app.builder ?? 'auto-detection'}`);
      },
    },
    {
      name: 'buildpacks:set',
      usage: 'berth buildpacks:set <app> <buildpack> [--index 1]',
      summary: 'Use this buildpack (node, python, go, static, procfile) instead of detection; dokku\'s buildpack URLs and ids (https://github.com/heroku/heroku-buildpack-nodejs.git, heroku/python) name the berth buildpack that does the same.',
      args: [APP, { name: 'buildpack', summary: 'A buildpack name, URL or id, or auto.' }],
      options: [INDEX],
      async run(ctx) {
        oneBuildpack(ctx.args.options.index);
        await setBuildpack(ctx, ctx.arg('app'), berthBuildpack(ctx.arg('buildpack')));
      },
    },
    {
      name: 'buildpacks:add',
      usage: 'berth buildpacks:add <app> <buildpack> [--index 1]',
      summary: 'dokku\'s buildpacks:add: berth builds with one buildpack, so this sets it when the app has none (or the same); a second one is refused.',
      args: [APP, { name: 'buildpack', summary: 'A buildpack name, URL or id.' }],
      options: [INDEX],
      async run(ctx) {
        oneBuildpack(ctx.args.options.index);
        const wanted = berthBuildpack(ctx.arg('buildpack'));
        const { app } = await ctx.api().get<AppResponse>(appPath(ctx.arg('app')));
        if (app.buildpack && app.buildpack !== wanted) {
          throw new CliError('NO_BUILDER', `${app.name} builds with the ${app.buildpack} buildpack; berth runs one buildpack per app, so ${wanted} cannot be added.`, {
            hint: `Replace it: berth buildpacks:set ${app.name} ${wanted}`,
          });
        }
        await setBuildpack(ctx, app.name, wanted);
      },
    },
    {
      name: 'buildpacks:clear',
      usage: 'berth buildpacks:clear <app>',
      summary: 'Forget the app\'s buildpack: detected again at each build (dokku\'s buildpacks:clear).',
      args: [APP],
      options: [],
      async run(ctx) {
        await setBuildpack(ctx, ctx.arg('app'), 'auto');
      },
    },
    {
      name: 'git:set',
      usage: 'berth git:set <app> <key> <value>',
      summary: 'Change the branch whose pushes deploy (default main).',
      args: [APP, { name: 'key', summary: 'deploy-branch' }, { name: 'value', summary: 'The branch name.' }],
      options: [],
      async run(ctx) {
        if (ctx.arg('key') !== 'deploy-branch') throw new CliError('INVALID_INPUT', 'git:set knows one key: deploy-branch.');
        const res = await ctx.api().json<AppSettingsResponse>('PATCH', appPath(ctx.arg('app'), '/git'), { deployBranch: ctx.arg('value') } satisfies DeployBranchRequest);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${res.app.name} deploys pushes to ${res.app.deployBranch}`);
      },
    },
  ],
};

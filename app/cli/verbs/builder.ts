import { CliError } from '../cli-error';
import { appPath } from '../api-client';
import type { AppSummary } from '../api-types';
import type { ArgSpec, VerbGroup } from '../types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

export const builderVerbs: VerbGroup = {
  name: 'builder',
  summary: 'How an app is built: builder, buildpack, deploy branch',
  verbs: [
    {
      name: 'builder:set',
      usage: 'berth builder:set <app> <builder> [value]',
      summary: 'Force the Dockerfile or the buildpacks, or go back to detection (auto); `builder:set <app> build-dir <path>` (dokku\'s form) sets the monorepo build folder.',
      args: [APP, { name: 'builder', summary: 'dockerfile, buildpack or auto; or the key build-dir.' },
        { name: 'value', optional: true, summary: 'With build-dir: the repo folder to build (none: the whole repo).' }],
      options: [],
      async run(ctx) {
        if (ctx.arg('builder') === 'build-dir') {
          const r = await ctx.api().json<{ 'build-dir': string | null }>('PATCH', appPath(ctx.arg('app'), '/builder-dockerfile'), { key: 'build-dir', value: ctx.args.positional.value ?? null });
          if (ctx.json) return ctx.out.json(r);
          return ctx.out.line(`-----> ${ctx.arg('app')} builds ${r['build-dir'] ? `from ${r['build-dir']}/` : 'the whole repo'}`);
        }
        if (ctx.args.positional.value !== undefined) throw new CliError('USAGE', `builder:set <app> ${ctx.arg('builder')} takes no value; only build-dir does.`);
        const res = await ctx.api().json<{ app: AppSummary }>('PATCH', appPath(ctx.arg('app'), '/builder'), { builder: ctx.arg('builder') });
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${res.app.name} builds with: ${res.app.builder ?? 'auto-detection'}`);
      },
    },
    {
      name: 'buildpacks:set',
      usage: 'berth buildpacks:set <app> <buildpack>',
      summary: 'Use this buildpack (node, python, go, static, procfile) instead of detection.',
      args: [APP, { name: 'buildpack', summary: 'A buildpack name, or auto.' }],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<{ app: AppSummary }>('PATCH', appPath(ctx.arg('app'), '/builder'), { buildpack: ctx.arg('buildpack') });
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${res.app.name} buildpack: ${res.app.buildpack ?? 'detected'}`);
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
        const res = await ctx.api().json<{ app: AppSummary }>('PATCH', appPath(ctx.arg('app'), '/git'), { deployBranch: ctx.arg('value') });
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${res.app.name} deploys pushes to ${res.app.deployBranch}`);
      },
    },
  ],
};

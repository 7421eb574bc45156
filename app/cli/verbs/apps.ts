import { appliedCpus, appliedMemory } from '../applied-limits';
import fs from 'node:fs';
import { assertLocalFiles } from '../user-files';
import { appPath } from '../api-client';
import type { AppCreatedResponse, AppDetail, AppResponse, AppsListResponse, AppSummary, QueuedBuild } from '../api-types';
import { CliError } from '../cli-error';
import { followQueued } from '../follow-build';
import { keyValues, table } from '../output';
import type { ArgSpec, VerbGroup } from '../types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

const releaseLabel = (r: AppDetail['currentRelease']): string =>
  r === null || r === undefined ? 'none (not deployed yet)' : `v${typeof r === 'number' ? r : r.version}`;

export const appsVerbs: VerbGroup = {
  name: 'apps',
  summary: 'Create, list, inspect, rename, deploy and destroy apps',
  verbs: [
    {
      name: 'apps:create',
      usage: 'berth apps:create <app>',
      summary: 'Create an app (lowercase letters, digits and dashes).',
      args: [APP],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<AppCreatedResponse>('POST', '/api/v1/apps', { name: ctx.arg('app') });
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Created ${res.app.name}`);
        ctx.out.line(`       Push code with: berth git:remote ${res.app.name} && git push paas ${res.app.deployBranch ?? 'main'}`);
      },
    },
    {
      name: 'apps:list',
      aliases: ['apps'],
      usage: 'berth apps:list',
      summary: 'List apps with their status (running, degraded, crashing, deploying, failed, stopped, not deployed), deploy branch and builder.',
      args: [],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<AppsListResponse>('/api/v1/apps');
        if (ctx.json) return ctx.out.json(res);
        if (!res.apps.length) return ctx.out.note('No apps yet: berth apps:create <app>');
        ctx.out.write(table(['NAME', 'STATUS', 'BRANCH', 'BUILDER', 'CREATED'], res.apps.map((a) => [a.name, a.status ?? '-', a.deployBranch, a.builder ?? 'auto', a.createdAt])));
      },
    },
    {
      name: 'apps:info',
      usage: 'berth apps:info <app>',
      summary: 'Show an app\'s settings, current release, domains and URL.',
      args: [APP],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<AppResponse>(appPath(ctx.arg('app')));
        if (ctx.json) return ctx.out.json(res);
        const a = res.app;
        ctx.out.heading(`${a.name} app information`);
        ctx.out.write(keyValues([
          ['URL', a.url ?? '-'],
          ['Current release', releaseLabel(a.currentRelease)],
          ['Domains', a.domains?.length ? a.domains.join(' ') : '-'],
          ['Deploy branch', a.deployBranch],
          ['Builder', a.builder ?? 'auto'],
          ['Buildpack', a.buildpack ?? 'auto'],
          ['Restart policy', a.restartPolicy],
          ['Memory', appliedMemory(a)],
          ['CPUs', appliedCpus(a)],
          ['Created', a.createdAt],
        ]));
      },
    },
    {
      name: 'apps:rename',
      usage: 'berth apps:rename <old> <new>',
      summary: 'Rename an app; its git remote URL changes with it.',
      args: [{ name: 'old', summary: 'The current name.' }, { name: 'new', summary: 'The new name.' }],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<AppResponse>('PATCH', appPath(ctx.arg('old')), { name: ctx.arg('new') });
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Renamed ${ctx.arg('old')} to ${ctx.arg('new')}`);
        ctx.out.line(`       Update git remotes: berth git:remote ${ctx.arg('new')}`);
      },
    },
    {
      name: 'apps:destroy',
      usage: 'berth apps:destroy <app> [--confirm <app>] [--force] [--keep-data]',
      summary: 'Destroy an app, its containers, config, releases, network, volumes and storage folder. Asks for the name unless --confirm gives it or --force.',
      args: [APP],
      options: [
        { name: 'confirm', value: '<app>', summary: 'The app\'s name again, to skip the question (needed when stdin is not a terminal).' },
        { name: 'force', summary: 'Do not ask (dokku\'s --force); the same as --confirm <app>.' },
        { name: 'keep-data', summary: 'Keep its volumes and storage folder (named by the app\'s id, so no later app gets them; remove them with docker volume rm / rm -r).' },
      ],
      async run(ctx) {
        const app = ctx.arg('app');
        let confirm = ctx.args.options.force === true ? app : ctx.args.options.confirm;
        if (typeof confirm !== 'string') {
          if (!ctx.out.interactive) throw new CliError('CONFIRMATION_REQUIRED', `destroying ${app} needs confirmation: pass --confirm ${app} (or --force)`);
          ctx.out.note(` !     This destroys ${app}: its containers, config, releases and git repo.`);
          confirm = await ctx.out.ask(` !     Type the app's name to confirm: `);
        }
        if (confirm !== app) throw new CliError('CONFIRMATION_REQUIRED', `"${confirm}" is not "${app}"; nothing was destroyed`);
        const keep = ctx.args.options['keep-data'] === true ? '&keep-data=true' : '';
        await ctx.api().json('DELETE', appPath(app, `?confirm=${encodeURIComponent(confirm)}${keep}`));
        if (!ctx.json) ctx.out.line(`-----> Destroyed ${app}`);
      },
    },
    {
      name: 'apps:deploy-image',
      usage: 'berth apps:deploy-image <app> <image>',
      summary: 'Deploy a prebuilt Docker image (name[:tag]) and follow the build log.',
      args: [APP, { name: 'image', summary: 'An image docker can pull, e.g. myorg/web:1.2.' }],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<QueuedBuild>('POST', appPath(ctx.arg('app'), '/deploys'), { image: ctx.arg('image') });
        await followQueued(ctx, ctx.arg('app'), res);
      },
    },
    {
      name: 'apps:deploy-archive',
      usage: 'berth apps:deploy-archive <app> <archive>',
      summary: 'Deploy the source in a .tar.gz (or .tar) archive and follow the build log.',
      args: [APP, { name: 'archive', summary: 'A tar or tar.gz of the app\'s source (files at its root).' }],
      options: [],
      async run(ctx) {
        const file = ctx.arg('archive');
        assertLocalFiles(ctx.io, file);
        if (!fs.existsSync(file)) throw new CliError('ARCHIVE_NOT_FOUND', `${file} does not exist.`);
        const type = /\.(tgz|gz)$/.test(file) ? 'application/gzip' : 'application/x-tar';
        const res = await ctx.api().upload<QueuedBuild>(appPath(ctx.arg('app'), '/deploys/archive'), file, type);
        await followQueued(ctx, ctx.arg('app'), res);
      },
    },
  ],
};

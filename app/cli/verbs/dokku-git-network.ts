import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appPath, type ApiClient } from '../api-client';
import type { AppDetail, ConfigResponse, MountsResponse, PortsReport, ProcessReportResponse, QueuedBuild, ScaleResponse, GitSyncResponse, AppResponse, NginxResponse } from '../api-types';
import { CliError } from '../cli-error';
import { followQueued } from '../follow-build';
import { appGitUrl, gitWithToken } from '../git-transfer';
import { keyValues } from '../output';
import type { ArgSpec, VerbContext, VerbGroup } from '../types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

/** A scratch bare repo for moving commits between berth and elsewhere; removed after `work`. */
async function withScratchRepo<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-git-'));
  try {
    return await work(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function mustGit(ctx: VerbContext, api: ApiClient, args: readonly string[], what: string): Promise<void> {
  const lines: string[] = [];
  const code = await gitWithToken({ api, args, env: ctx.io.env, onLine: (l) => lines.push(l) });
  if (code !== 0) throw new CliError('GIT_FAILED', `${what} failed (git exit ${code}): ${lines.filter((l) => !l.startsWith('remote:')).slice(-3).join(' / ') || 'no output'}`);
}

/** Pushes `commit` to the app's branch, printing git's lines (a deploy's log among them); throws when git fails. */
async function pushCommit(ctx: VerbContext, o: { repo: string; app: string; commit: string; branch: string; force?: boolean }): Promise<void> {
  const api = ctx.api();
  // git:sync sets the branch to the fetched commit whatever it held before, as dokku's does.
  const refspec = `${o.force ? '+' : ''}${o.commit}:refs/heads/${o.branch}`;
  const code = await gitWithToken({ api, env: ctx.io.env, onLine: (l) => ctx.out.line(l), args: ['--git-dir', o.repo, 'push', appGitUrl(api, o.app), refspec] });
  if (code !== 0) throw new CliError('DEPLOY_FAILED', `pushing to ${o.app} failed (git exit ${code}); what was deployed before keeps serving`);
}

/** The commit at `ref` of berth's repo of the app, or undefined when it has no such branch. */
async function remoteHead(ctx: VerbContext, app: string, branch: string): Promise<string | undefined> {
  const api = ctx.api();
  const lines: string[] = [];
  const code = await gitWithToken({ api, env: ctx.io.env, onLine: (l) => lines.push(l), args: ['ls-remote', appGitUrl(api, app), `refs/heads/${branch}`] });
  if (code !== 0) throw new CliError('GIT_FAILED', `reading ${app}'s repo failed: ${lines.slice(-2).join(' / ')}`);
  return lines.map((l) => l.split(/\s+/)[0]).find((s) => /^[0-9a-f]{40,64}$/.test(s));
}

async function revParse(ctx: VerbContext, repo: string, ref: string): Promise<string> {
  const out: string[] = [];
  const code = await gitWithToken({ api: ctx.api(), env: ctx.io.env, onLine: (l) => out.push(l), args: ['--git-dir', repo, 'rev-parse', '--verify', `${ref}^{commit}`] });
  if (code !== 0) throw new CliError('GIT_FAILED', `${ref} is not a commit of the fetched repository`);
  return out[0].trim();
}

/** A network repository (https://, http://, ssh://, git://, user@host:path): berth fetches it itself. */
export const isNetworkRepository = (repository: string): boolean =>
  (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(repository) && !/^file:/i.test(repository)) || /^([A-Za-z0-9._-]+@)?[A-Za-z0-9.-]{2,}:(?!\/\/)/.test(repository);

/**
 * dokku's `git:sync`. A network repository is fetched by berth (POST /apps/<app>/git-sync, with the
 * app's `git:auth` credentials) and its commit deployed through the build queue. A path (or
 * file://) is the caller's own: the CLI fetches it where it runs and pushes to berth as `git push`
 * does. Over SSH the CLI runs inside berth, where a path would be berth's own disk, so that is refused.
 */
async function gitSync(ctx: VerbContext): Promise<void> {
  const app = ctx.arg('app');
  const repository = ctx.arg('repository');
  const ref = ctx.args.positional['git-ref'] ?? 'HEAD';
  if (repository.startsWith('-') || ref.startsWith('-')) throw new CliError('USAGE', 'the repository and git ref cannot start with "-"');
  const build = ctx.args.options.build === true;
  const ifChanged = ctx.args.options['build-if-changes'] === true;
  if (!build && !ifChanged) {
    // dokku keeps a synced commit in the repo unbuilt; berth keeps only the deploy branch, and a push to it deploys.
    throw new CliError('USAGE', `berth keeps no code it does not deploy, so git:sync needs --build or --build-if-changes`, { hint: `berth git:sync --build ${app} ${repository}${ref === 'HEAD' ? '' : ` ${ref}`}` });
  }
  if (isNetworkRepository(repository)) {
    const res = await ctx.api().json<GitSyncResponse>('POST', appPath(app, '/git-sync'),
      { url: repository, ref: ref === 'HEAD' ? undefined : ref, ifChanged: ifChanged && !build });
    if (!res.build) {
      if (ctx.json) return ctx.out.json(res);
      ctx.out.line(`-----> ${app} already runs ${res.commit.slice(0, 7)}; nothing to build`);
      return;
    }
    if (!ctx.json) ctx.out.line(`-----> Fetched ${res.commit.slice(0, 7)} from ${res.repository}`);
    await followQueued(ctx, app, { build: res.build, ahead: res.ahead }, res);
    return;
  }
  if (ctx.io.localFiles === false) {
    throw new CliError('GIT_SYNC_OVER_SSH', 'Over SSH, git:sync would fetch a path on berth\'s own host: give a network URL (https://, ssh://, git://), or run it with the berth CLI on your machine.');
  }
  const { app: detail } = await ctx.api().get<AppResponse>(appPath(app));
  await withScratchRepo(async (repo) => {
    await mustGit(ctx, ctx.api(), ['init', '-q', '--bare', repo], 'git init');
    await mustGit(ctx, ctx.api(), ['--git-dir', repo, 'fetch', '-q', '--no-tags', '--', repository, `${ref}`], `fetching ${ref} of ${repository}`);
    const commit = await revParse(ctx, repo, 'FETCH_HEAD');
    const current = await remoteHead(ctx, app, detail.deployBranch);
    if (current === commit) {
      if (ifChanged) { ctx.out.line(`-----> ${app} already runs ${commit.slice(0, 7)}; nothing to build`); return; }
      const res = await ctx.api().json<QueuedBuild>('POST', appPath(app, '/ps/rebuild'), {});
      await followQueued(ctx, app, res);
      return;
    }
    await pushCommit(ctx, { repo, app, commit, branch: detail.deployBranch, force: true });
  });
}

/** dokku's `apps:clone`: a new app with the old one's settings and code, deployed unless --skip-deploy. */
async function appsClone(ctx: VerbContext): Promise<void> {
  const api = ctx.api();
  const from = ctx.arg('old');
  const to = ctx.arg('new');
  // Read the source first: what the caller may not read, they cannot clone (and nothing is created).
  const { app: old } = await api.get<AppResponse>(appPath(from));
  const { config } = await api.get<ConfigResponse>(appPath(from, '/config'));
  const ports = await api.get<Pick<PortsReport, 'ports'>>(appPath(from, '/ports'));
  const nginx = await api.get<NginxResponse>(appPath(from, '/nginx'));
  const { mounts } = await api.get<MountsResponse>(appPath(from, '/storage'));
  const { scale } = await api.get<ScaleResponse>(appPath(from, '/ps/scale'));
  try {
    await api.json('POST', '/api/v1/apps', { name: to });
  } catch (e) {
    if ((e as CliError).code === 'APP_EXISTS' && ctx.args.options['ignore-existing'] === true) {
      ctx.out.line(`-----> ${to} exists already; nothing cloned (--ignore-existing)`);
      return;
    }
    throw e;
  }
  ctx.out.line(`-----> Cloning ${from} to ${to}`);
  const patch = (rest: string, body: unknown) => api.json('PATCH', appPath(to, rest), body);
  if (old.deployBranch !== 'main') await patch('/git', { deployBranch: old.deployBranch });
  if (old.builder || old.buildpack) await patch('/builder', { builder: old.builder ?? undefined, buildpack: old.buildpack ?? undefined });
  if (Object.keys(config).length) await patch('/config', { set: config, restart: false });
  if (ports.ports.length) await patch('/ports', { set: ports.ports });
  for (const [key, value] of Object.entries(nginx.nginx.settings)) await patch('/nginx', { set: { [key]: value } });
  if (old.restartPolicy) await patch('/ps', { restartPolicy: old.restartPolicy });
  if (old.memoryMb !== null || old.cpus !== null) await patch('/resources', { memory: old.memoryMb === null ? undefined : `${old.memoryMb}m`, cpus: old.cpus === null ? undefined : String(old.cpus) });
  // Volumes are the app's own: the clone gets new, empty ones at the same paths, never the old app's data.
  for (const m of mounts) {
    const name = /^berth-app-[0-9a-f]{12}-(.+)$/.exec(m.source)?.[1] ?? (m.source.startsWith(`berth-${from}-`) ? m.source.slice(`berth-${from}-`.length) : undefined);
    if (name) await api.json('POST', appPath(to, '/storage'), { mount: `${name}:${m.target}` });
    else ctx.out.note(`       storage ${m.source}:${m.target} not cloned (a host folder of ${from}'s own; mount one of ${to}'s with storage:mount)`);
  }
  if (ctx.args.options['skip-deploy'] === true) { ctx.out.line(`-----> ${to} has ${from}'s settings; its code was not copied (--skip-deploy): push it to deploy`); return; }
  await withScratchRepo(async (repo) => {
    await mustGit(ctx, api, ['init', '-q', '--bare', repo], 'git init');
    const head = await remoteHead(ctx, from, old.deployBranch);
    if (!head) { ctx.out.line(`-----> ${from} has no ${old.deployBranch} branch: ${to} has its settings and no code yet`); return; }
    await mustGit(ctx, api, ['--git-dir', repo, 'fetch', '-q', '--no-tags', appGitUrl(api, from), `refs/heads/${old.deployBranch}`], `fetching ${from}'s ${old.deployBranch}`);
    await pushCommit(ctx, { repo, app: to, commit: await revParse(ctx, repo, 'FETCH_HEAD'), branch: old.deployBranch });
  });
  const extra = Object.entries(scale).filter(([t, n]) => !(t === 'web' && n === 1));
  if (extra.length) await followQueued(ctx, to, await api.json<QueuedBuild>('POST', appPath(to, '/ps/scale'), { scale: Object.fromEntries(extra) }));
}

/** dokku's network:report properties, as berth has them: no attach settings, the web containers' addresses. */
async function networkProperties(ctx: VerbContext): Promise<Record<string, string>> {
  const { report } = await ctx.api().get<ProcessReportResponse>(appPath(ctx.arg('app'), '/ps'));
  const web = report.processes.find((p) => p.type === 'web');
  return {
    'network-attach-post-create': '', 'network-attach-post-deploy': '', 'network-bind-all-interfaces': 'false',
    'network-initial-network': 'the app\'s own (berth)', 'network-static-web-listener': '', 'network-tld': '',
    'network-web-listeners': (web?.containers ?? []).map((c) => c.ip).filter(Boolean).join(' '),
  };
}

const ONE_NETWORK = 'berth gives every app a network of its own, holding only its containers and the services linked to it; apps reach services with <service>:link and each other through their URLs.';

export const dokkuGitNetworkVerbs: VerbGroup = {
  name: 'dokku-git-network',
  summary: 'dokku\'s apps:clone, git:sync and network verbs',
  verbs: [
    {
      name: 'apps:clone',
      usage: 'berth apps:clone <old> <new> [--skip-deploy] [--ignore-existing]',
      summary: 'Create <new> with <old>\'s config, ports, nginx settings, restart policy, resource limits, builder, deploy branch, storage paths (new empty volumes) and scale, and deploy <old>\'s code to it. Domains stay with <old>.',
      args: [{ name: 'old', summary: 'The app to clone.' }, { name: 'new', summary: 'The new app\'s name.' }],
      options: [
        { name: 'skip-deploy', summary: 'Copy the settings only; the code is not copied or deployed.' },
        { name: 'ignore-existing', summary: 'Exit 0 without cloning when <new> exists.' },
      ],
      run: appsClone,
    },
    {
      name: 'git:sync',
      usage: 'berth git:sync [--build | --build-if-changes] <app> <repository> [git-ref]',
      summary: 'Fetch a repository and deploy its ref (default HEAD) with --build; --build-if-changes deploys only a new commit. One of the two is needed: berth keeps no code it does not deploy. berth fetches a network URL itself (credentials: git:auth); a path is fetched where this CLI runs and pushed.',
      args: [APP, { name: 'repository', summary: 'A network URL (https://, ssh://, git://, git@host:path) berth fetches, or a path on this machine.' }, { name: 'git-ref', optional: true, summary: 'A branch, tag or commit; default HEAD.' }],
      options: [
        { name: 'build', summary: 'Deploy the ref (a rebuild when the app runs that commit already).' },
        { name: 'build-if-changes', summary: 'Deploy the ref only when the app does not run it yet.' },
      ],
      run: gitSync,
    },
    {
      name: 'network:report',
      usage: 'berth network:report <app>',
      summary: 'dokku\'s network report: the app\'s own network (berth makes one per app), where its web containers listen, and dokku\'s attach settings (none in berth).',
      args: [APP],
      options: [],
      properties: networkProperties,
      async run(ctx) {
        const values = await networkProperties(ctx);
        if (ctx.json) return ctx.out.json(values);
        ctx.out.heading(`${ctx.arg('app')} network information`);
        ctx.out.write(keyValues(Object.entries(values).map(([k, v]) => [k.replace(/^network-/, 'Network ').replace(/-/g, ' '), v])));
      },
    },
    {
      name: 'network:create',
      usage: 'berth network:create <network>',
      summary: 'Refused: berth makes one network per app itself (isolation between apps); link services with <service>:link.',
      args: [{ name: 'network', summary: 'A network name.' }],
      options: [],
      async run() { throw new CliError('NETWORK_PER_APP', `berth makes no shared networks. ${ONE_NETWORK}`); },
    },
    {
      name: 'network:set',
      usage: 'berth network:set <app> <key> [value]',
      summary: 'Refused: berth attaches an app to its own network only (dokku\'s attach-post-create/attach-post-deploy/initial-network would join other apps\' networks).',
      args: [APP, { name: 'key', summary: 'dokku\'s property.' }, { name: 'value', optional: true, summary: 'Its value.' }],
      options: [],
      async run(ctx) { throw new CliError('NETWORK_PER_APP', `${ctx.arg('app')} stays on its own network: berth has no ${ctx.arg('key')} setting. ${ONE_NETWORK}`); },
    },
  ],
};

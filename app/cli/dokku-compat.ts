import os from 'node:os';
import { LEADING_FLAGS } from './argv';
import { CliError } from './cli-error';
import type { ApiClient } from './api-client';
import type { AppsListResponse } from './api-types';
import type { Output } from './output';
import type { Verb, VerbContext, VerbGroup } from './types';

/**
 * dokku's command lines, run by berth unchanged: its verb names where berth has another, its
 * flags before the verb (`dokku --app web config:show`), `--all` and `--global`, and report
 * property lookups. The verbs themselves stay berth's; this file only translates.
 */

/** dokku verb → the berth verb that does the same. */
export const DOKKU_ALIASES: Readonly<Record<string, string>> = {
  'apps:report': 'apps:info',
  'ports:list': 'ports:report',
  'plugin:list': 'plugins:list',
  'plugin:install': 'plugins:install',
  'plugin:enable': 'plugins:enable',
  'plugin:disable': 'plugins:disable',
  'builds:output': 'builds:log',
  'certs:update': 'certs:add',
  'git:from-image': 'apps:deploy-image',
};

/**
 * dokku namespaces that are not service plugins: a verb in one of them that berth does not have
 * gets "did you mean", never the generic `<service>:` verbs' "no service plugin" answer.
 */
export const DOKKU_NAMESPACES: readonly string[] = [
  'apps', 'app-json', 'builds', 'builder', 'builder-dockerfile', 'builder-herokuish', 'builder-pack', 'builder-nixpacks',
  'buildpacks', 'certs', 'checks', 'config', 'cron', 'docker-options', 'domains', 'enter', 'events', 'git', 'letsencrypt',
  'logs', 'network', 'nginx', 'plugin', 'plugins', 'ports', 'proxy', 'ps', 'registry', 'repo', 'resource', 'run', 'scheduler',
  'scheduler-docker-local', 'scheduler-k3s', 'ssh-keys', 'storage', 'trace', 'traefik', 'caddy', 'haproxy', 'openresty', 'version',
];

/** Moves dokku's flags that stand before the verb to after it: `--app web config:show` → `config:show --app web`. */
export function hoistLeadingFlags(argv: readonly string[]): string[] {
  const lead: string[] = [];
  let i = 0;
  while (i < argv.length && LEADING_FLAGS[argv[i].replace(/=.*$/s, '')]) {
    const kind = LEADING_FLAGS[argv[i].replace(/=.*$/s, '')];
    lead.push(argv[i]);
    if (kind === 'value' && !argv[i].includes('=')) lead.push(argv[++i] ?? '');
    i++;
  }
  if (!lead.length || i >= argv.length) return [...argv];
  // Before a `--` the verb may have: they go right after the verb, ahead of its own words.
  return [argv[i], ...lead, ...argv.slice(i + 1)];
}

/** `domains:add --global x` is berth's `domains:add-global x`. */
const GLOBAL_VERBS: Readonly<Record<string, string>> = {
  'domains:report': 'domains:report-global',
  'domains:add': 'domains:add-global',
  'domains:remove': 'domains:remove-global',
  'domains:set': 'domains:set-global',
  'notifications:add': 'notifications:add-global',
  'notifications:list': 'notifications:list-global',
  'notifications:remove': 'notifications:remove-global',
  'notifications:test': 'notifications:test-global',
};

/** Verbs that take `--all`: run once per app, in the order apps:list gives. */
const ALL_VERBS = new Set(['ps:restart', 'ps:stop', 'ps:start', 'ps:rebuild', 'proxy:enable', 'proxy:disable']);

export type Rerun = (argv: readonly string[]) => Promise<number>;

export interface GlobalOrAllCall {
  readonly verb: Verb;
  /** The words after the verb. */
  readonly rest: readonly string[];
  readonly out: Output;
  readonly api: () => ApiClient;
  readonly rerun: Rerun;
}

/**
 * What `--global` or `--all` mean for this verb, when the verb does not declare the option itself.
 * Runs before the verb's own parsing (`ps:restart --all` names no app): resolves to an exit code
 * once handled, or undefined when neither was given.
 */
export async function globalOrAll(call: GlobalOrAllCall): Promise<number | undefined> {
  const { verb, rest } = call;
  const end = rest.indexOf('--');
  const flags = end < 0 ? rest : rest.slice(0, end);
  const declares = (o: string) => verb.options.some((s) => s.name === o);
  const without = (flag: string) => rest.filter((a, i) => a !== flag || (end >= 0 && i > end));
  if (flags.includes('--global') && !declares('global')) {
    const target = GLOBAL_VERBS[verb.name];
    if (!target) {
      throw new CliError('USAGE', `berth has no global ${verb.name.split(':')[0]} settings, so ${verb.name} takes no --global`, {
        hint: verb.name.startsWith('config:') ? 'Set the variable on each app (berth config:set <app> KEY=VALUE), or in a service link.' : 'Name the app instead.',
      });
    }
    return call.rerun([target, ...without('--global')]);
  }
  const parallelAt = flags.findIndex((f) => f === '--parallel' || f.startsWith('--parallel='));
  if (parallelAt >= 0 && !flags.includes('--all')) throw new CliError('USAGE', '--parallel goes with --all', { hint: `e.g. berth ${verb.name} --all --parallel 4` });
  if (flags.includes('--all') && !declares('all')) {
    if (!ALL_VERBS.has(verb.name)) throw new CliError('USAGE', `${verb.name} takes no --all`, { hint: `--all works with ${[...ALL_VERBS].join(', ')}.` });
    let words = without('--all');
    let parallel = 1;
    if (parallelAt >= 0) {
      const flag = flags[parallelAt];
      const value = flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : flags[parallelAt + 1];
      parallel = parseParallel(value);
      const drop = flag.includes('=') ? 1 : 2;
      const at = words.indexOf(flag);
      words = [...words.slice(0, at), ...words.slice(at + drop)];
    }
    const { apps } = await call.api().get<AppsListResponse>('/api/v1/apps');
    let code = 0;
    const one = async (app: string) => {
      if (!flags.includes('--json') && !flags.includes('--quiet')) call.out.line(`=====> ${verb.name} ${app}`);
      const c = await call.rerun([verb.name, app, ...words]);
      if (c !== 0) code = c;
    };
    // dokku's --parallel N: N apps at a time (their lines interleave, as in dokku).
    const queue = apps.map((a) => a.name);
    await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, async () => {
      for (let app = queue.shift(); app !== undefined; app = queue.shift()) await one(app);
    }));
    return code;
  }
  return undefined;
}

/** dokku's `--parallel N`; -1 and 0 mean one per CPU, as in dokku. */
function parseParallel(value: string | undefined): number {
  if (value === '-1' || value === '0') return Math.max(1, os.cpus().length);
  if (value === undefined || !/^[1-9]\d{0,2}$/.test(value)) throw new CliError('USAGE', `--parallel takes a number of apps at a time (1–999, or -1 for one per CPU), not ${JSON.stringify(value ?? '')}`);
  return Number(value);
}

/** dokku's `*:report <app> --<property>`: prints just that value. */
export async function printProperty(ctx: VerbContext, property: string): Promise<void> {
  const values = await ctx.verb.properties!(ctx);
  if (!Object.prototype.hasOwnProperty.call(values, property)) {
    throw new CliError('USAGE', `${ctx.invokedAs ?? ctx.verb.name} has no property --${property}`, { hint: `Properties: ${Object.keys(values).map((k) => `--${k}`).join(' ')}` });
  }
  if (ctx.json) return ctx.out.json({ [property]: values[property] });
  ctx.out.line(values[property]);
}

/** The names dokku users type that are berth verbs under another name, checked against the registry. */
export function dokkuAliasTarget(groups: readonly VerbGroup[], name: string): string | undefined {
  const target = DOKKU_ALIASES[name];
  return target && groups.some((g) => g.verbs.some((v) => v.name === target)) ? target : undefined;
}

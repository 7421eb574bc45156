import { appPath } from '../api-client';
import type { ConfigChangeRequest, ConfigChangeResponse, ConfigResponse } from '../api-types';
import { parseAssignment } from '../argv';
import { CliError } from '../cli-error';
import { followQueued } from '../follow-build';
import { keyValues } from '../output';
import { exportLines } from '../shell-quote';
import type { ArgSpec, OptionSpec, VerbContext, VerbGroup } from '../types';

/** What config:show prints instead of a value without --reveal (config:get prints the bare value). */
const MASK = '********';
const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };
const NO_RESTART: OptionSpec = { name: 'no-restart', summary: 'Store the change without re-releasing; it applies at the next deploy.' };

const getConfig = async (ctx: VerbContext): Promise<ConfigResponse> =>
  ctx.api().get<ConfigResponse>(appPath(ctx.arg('app'), '/config'));

/** PATCHes the config, reports what happened and follows the re-release's build, if any. */
async function change(ctx: VerbContext, body: Omit<ConfigChangeRequest, 'restart'>): Promise<void> {
  const app = ctx.arg('app');
  const restart = ctx.args.options['no-restart'] !== true;
  const res = await ctx.api().json<ConfigChangeResponse>('PATCH', appPath(app, '/config'), { ...body, restart } satisfies ConfigChangeRequest);
  if (ctx.json && !res.build) return ctx.out.json(res);
  if (!ctx.json) {
    if (!res.changed) ctx.out.line('-----> No change');
    else if (res.build) ctx.out.line('-----> Config changed; releasing it');
    else ctx.out.line(`-----> Config changed${restart ? ' (no release yet: it applies at the first deploy)' : '; it applies at the next deploy'}`);
  }
  if (res.build) await followQueued(ctx, app, { build: res.build }, res);
}

export const configVerbs: VerbGroup = {
  name: 'config',
  summary: 'An app\'s environment variables',
  verbs: [
    {
      name: 'config:show',
      aliases: ['config'],
      usage: 'berth config:show <app> [--reveal]',
      summary: 'Show an app\'s environment variables, values masked unless --reveal.',
      args: [APP],
      options: [{ name: 'reveal', summary: 'Print the values (they are secrets: mind who watches your screen).' }],
      async run(ctx) {
        const res = await getConfig(ctx);
        const reveal = ctx.args.options.reveal === true;
        const shown = reveal ? res.config : Object.fromEntries(Object.keys(res.config).map((k) => [k, MASK]));
        if (ctx.json) return ctx.out.json({ ...res, config: shown });
        ctx.out.heading(`${ctx.arg('app')} env vars`);
        const keys = Object.keys(shown).sort();
        ctx.out.write(keyValues(keys.map((k) => [k, shown[k]])));
      },
    },
    {
      name: 'config:get',
      usage: 'berth config:get <app> <KEY>',
      summary: 'Print one variable\'s bare value; exit 1 when it is not set.',
      args: [APP, { name: 'KEY', summary: 'The variable\'s name.' }],
      options: [],
      async run(ctx) {
        const res = await getConfig(ctx);
        const key = ctx.arg('KEY');
        if (!Object.prototype.hasOwnProperty.call(res.config, key)) throw new CliError('CONFIG_UNSET', `${key} is not set for ${ctx.arg('app')}`);
        if (ctx.json) return ctx.out.json({ [key]: res.config[key] });
        ctx.out.line(res.config[key]);
      },
    },
    {
      name: 'config:set',
      usage: 'berth config:set <app> <KEY=VALUE>... [--no-restart]',
      summary: 'Set variables and re-release the app, following the release\'s build log.',
      args: [APP, { name: 'KEY=VALUE', variadic: true, summary: 'Split at the first `=`; quote values with spaces for the shell.' }],
      options: [NO_RESTART],
      async run(ctx) {
        const set: Record<string, string> = {};
        for (const word of ctx.args.rest) {
          const { key, value } = parseAssignment(word);
          set[key] = value;
        }
        await change(ctx, { set });
      },
    },
    {
      name: 'config:unset',
      usage: 'berth config:unset <app> <KEY>... [--no-restart]',
      summary: 'Remove variables and re-release the app, following the release\'s build log.',
      args: [APP, { name: 'KEY', variadic: true, summary: 'Names of variables to remove.' }],
      options: [NO_RESTART],
      async run(ctx) {
        await change(ctx, { unset: [...ctx.args.rest] });
      },
    },
    {
      name: 'config:keys',
      usage: 'berth config:keys <app>',
      summary: 'Print the names of the app\'s variables, one a line (dokku\'s config:keys).',
      args: [APP],
      options: [],
      async run(ctx) {
        const keys = Object.keys((await getConfig(ctx)).config).sort();
        if (ctx.json) return ctx.out.json({ keys });
        ctx.out.write(keys.map((k) => `${k}\n`).join(''));
      },
    },
    {
      name: 'config:clear',
      usage: 'berth config:clear <app> [--no-restart]',
      summary: 'Remove every variable of the app and re-release it (dokku\'s config:clear).',
      args: [APP],
      options: [NO_RESTART],
      async run(ctx) {
        const keys = Object.keys((await getConfig(ctx)).config);
        if (!keys.length) {
          if (ctx.json) return ctx.out.json({ config: {}, changed: false, build: null });
          return ctx.out.line('-----> No change');
        }
        await change(ctx, { unset: keys });
      },
    },
    {
      name: 'config:export',
      usage: 'berth config:export <app>',
      summary: 'Print the variables as shell `export K=\'v\'` lines, for `eval "$(berth config:export app)"`.',
      args: [APP],
      options: [],
      async run(ctx) {
        const res = await getConfig(ctx);
        if (ctx.json) return ctx.out.json(res);
        const { text, skipped } = exportLines(res.config);
        ctx.out.write(text);
        for (const k of skipped) ctx.out.note(` !     skipped ${k}: not a valid shell variable name`);
      },
    },
  ],
};

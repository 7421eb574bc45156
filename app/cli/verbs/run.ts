import { Readable } from 'node:stream';
import { appPath } from '../api-client';
import { execSession } from '../exec-client';
import { terminalRequest } from '../terminal-request';
import { parseAssignment, repeated } from '../argv';
import { table } from '../output';
import type { ArgSpec, VerbGroup } from '../types';
import type { CronListResponse } from '../api-types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

export const runVerbs: VerbGroup = {
  name: 'run',
  summary: 'One-off commands and shells',
  verbs: [
    {
      name: 'run',
      usage: 'berth run <app> [-e KEY=VALUE]... [--no-tty] [--rm] <command>...',
      summary: 'Run a command in a new container of the current release (its env, network and mounts); stdin is forwarded, and berth exits with the command\'s exit code.',
      args: [APP, { name: 'command', variadic: true, raw: true, summary: 'The command and its arguments; everything after its first word is its own (`--` before it works too).' }],
      options: [
        { name: 'env', short: 'e', value: 'KEY=VALUE', repeatable: true, summary: 'An extra variable for this run only (repeat for more).' },
        { name: 'no-tty', summary: 'Accepted as dokku has it: berth runs without a TTY anyway.' },
        { name: 'rm', summary: 'Accepted as dokku has it: the container is removed when the command ends anyway.' },
      ],
      async run(ctx) {
        // Extra variables through env(1), which every image berth builds has: no new API for it.
        const env = repeated(ctx.args.options.env).map((w) => { const { key, value } = parseAssignment(w); return `${key}=${value}`; });
        const command = JSON.stringify(env.length ? ['env', ...env, ...ctx.args.rest] : ctx.args.rest);
        const path = `${appPath(ctx.arg('app'), '/run')}?command=${encodeURIComponent(command)}`;
        return execSession(ctx.api(), path, { stdin: ctx.io.stdin, stdout: ctx.io.stdout, raw: false });
      },
    },
    {
      name: 'run:detached',
      usage: 'berth run:detached <app> [-e KEY=VALUE]... [--no-tty] <command>...',
      summary: 'Start a command in a new container of the current release and return at once, printing its log tag (run.<id>); its output is in `berth logs <app> -p run`. At most 10 per app at once.',
      args: [APP, { name: 'command', variadic: true, raw: true, summary: 'The command and its arguments (its options are its own).' }],
      options: [
        { name: 'env', short: 'e', value: 'KEY=VALUE', repeatable: true, summary: 'An extra variable for this run only (repeat for more).' },
        { name: 'no-tty', summary: 'Accepted as dokku has it.' },
      ],
      async run(ctx) {
        const env = repeated(ctx.args.options.env).map((w) => { const { key, value } = parseAssignment(w); return `${key}=${value}`; });
        const command = JSON.stringify(env.length ? ['env', ...env, ...ctx.args.rest] : ctx.args.rest);
        const path = `${appPath(ctx.arg('app'), '/run')}?detach=1&command=${encodeURIComponent(command)}`;
        return execSession(ctx.api(), path, { stdin: Readable.from([]), stdout: ctx.io.stdout, raw: false });
      },
    },
    {
      name: 'enter',
      usage: 'berth enter <app> [process] [command]...',
      summary: 'Open a shell (/bin/sh), or run the command given, in a running container of the app (default the first web one); a terminal gets a TTY, piped stdin runs as a script. Exits with the shell\'s (command\'s) exit code.',
      args: [
        APP,
        { name: 'process', optional: true, summary: 'Process type whose first running container to enter (web), or one container (web.2); default web.' },
        { name: 'command', optional: true, variadic: true, raw: true, summary: 'A command to run there instead of a shell; its options are its own.' },
      ],
      options: [],
      async run(ctx) {
        const q = new URLSearchParams({ process: ctx.args.positional.process ?? 'web' });
        if (ctx.args.rest.length) q.set('command', JSON.stringify(ctx.args.rest));
        const { tty, stdout } = terminalRequest(ctx.io, q);
        return execSession(ctx.api(), `${appPath(ctx.arg('app'), '/enter')}?${q}`, { stdin: ctx.io.stdin, stdout, raw: tty });
      },
    },
    {
      name: 'cron:list',
      usage: 'berth cron:list <app>',
      summary: 'List the app\'s scheduled commands (app.json `cron` of the live release); their output is in `berth logs <app> --process cron`.',
      args: [APP],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<CronListResponse>(appPath(ctx.arg('app'), '/cron'));
        if (ctx.json) return ctx.out.json(res);
        if (!res.cron.length) return ctx.out.note(`${ctx.arg('app')} has no cron entries (app.json \`cron\`)`);
        ctx.out.write(table(['NAME', 'SCHEDULE', 'COMMAND'], res.cron.map((c) => [c.name, c.schedule, c.command])));
      },
    },
  ],
};

import { appPath } from '../api-client';
import { positiveIntOption } from '../argv';
import { CliError } from '../cli-error';
import type { VerbGroup } from '../types';
import { logDrainVerbs } from './log-drains';

export const logsVerbs: VerbGroup = {
  name: 'logs',
  summary: 'App logs',
  verbs: [
    {
      name: 'logs',
      usage: 'berth logs <app> [-t] [-n N] [--process TYPE] [-p TYPE] [--release vN]',
      summary: 'Show the output of all the app\'s containers, merged by time, each line prefixed with its process (`web.1 | …`); old releases\' containers, one-off runs and cron runs are kept too.',
      args: [{ name: 'app', summary: 'The app\'s name.' }],
      options: [
        { name: 'tail', short: 't', summary: 'Keep printing new lines as they come (new containers join after a deploy); Ctrl-C stops.' },
        { name: 'num', short: 'n', value: 'N', summary: 'How many past lines to show; default 100.' },
        { name: 'process', value: 'TYPE', summary: 'Only this process type (web, worker, cron, run) or one container (web.2).' },
        { name: 'ps', short: 'p', value: 'TYPE', summary: 'dokku\'s name for --process.' },
        { name: 'release', value: 'vN', summary: 'Only lines written by this release, e.g. v3 (also ones whose containers are gone).' },
      ],
      async run(ctx) {
        const q = new URLSearchParams({ tail: String(positiveIntOption(ctx.args.options.num, 'num', 100)) });
        const process = ctx.args.options.process ?? ctx.args.options.ps;
        if (typeof process === 'string') q.set('process', process);
        const release = ctx.args.options.release;
        if (typeof release === 'string') {
          if (!/^v?[1-9]\d*$/.test(release)) throw new CliError('USAGE', `"${release}" is not a release version: use e.g. v3`);
          q.set('release', release.replace(/^v/, ''));
        }
        const path = appPath(ctx.arg('app'), '/logs');
        if (ctx.args.options.tail === true) {
          q.set('follow', '1');
          await ctx.api().lines(`${path}?${q}`, (line) => ctx.out.line(line));
          return;
        }
        ctx.out.write(await ctx.api().text(`${path}?${q}`));
      },
    },
    ...logDrainVerbs,
  ],
};

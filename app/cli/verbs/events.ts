import type { EventRecord, EventsListResponse } from '../api-types';
import { positiveIntOption } from '../argv';
import { table } from '../output';
import type { VerbGroup } from '../types';

export const eventsVerbs: VerbGroup = {
  name: 'events',
  summary: 'What happened, who did it, when',
  verbs: [
    {
      name: 'events',
      usage: 'berth events [--app <app>] [-n N]',
      summary: 'Show recent events (creates, deploys, config changes…), newest first.',
      args: [],
      options: [
        { name: 'app', value: '<app>', summary: 'Only this app\'s events.' },
        { name: 'limit', short: 'n', value: 'N', summary: 'How many to show; default 50.' },
      ],
      async run(ctx) {
        const query = new URLSearchParams({ limit: String(positiveIntOption(ctx.args.options.limit, 'limit', 50)) });
        const app = ctx.args.options.app;
        if (typeof app === 'string') query.set('app', app);
        const res = await ctx.api().get<EventsListResponse>(`/api/v1/events?${query}`);
        if (ctx.json) return ctx.out.json(res);
        if (!res.events.length) return ctx.out.note('No events.');
        ctx.out.write(table(['AT', 'APP', 'KIND', 'USER', 'FROM', 'MESSAGE'], res.events.map((e) => [e.at, e.app, e.kind, e.user, e.source ?? null, e.message])));
      },
    },
  ],
};

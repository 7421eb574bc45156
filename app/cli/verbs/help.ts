import { renderOverview, renderVerbHelp } from '../help-text';
import { findVerb, unknownVerb } from '../lookup';
import type { VerbGroup } from '../types';

export const helpVerbs: VerbGroup = {
  name: 'help',
  summary: 'Help',
  verbs: [
    {
      name: 'help',
      usage: 'berth help [verb]',
      summary: 'List every verb, or show one verb\'s usage.',
      args: [{ name: 'verb', optional: true, summary: 'A verb, e.g. config:set.' }],
      options: [],
      async run(ctx) {
        const name = ctx.args.positional.verb;
        if (name === undefined) return ctx.out.write(renderOverview(ctx.groups));
        const verb = findVerb(ctx.groups, name);
        if (!verb) throw unknownVerb(ctx.groups, name);
        ctx.out.write(renderVerbHelp(verb));
      },
    },
  ],
};

import type { VerbGroup } from '../types';
import type { VersionResponse } from '../api-types';

/** berth's version, as the server runs it (the CLI may be another checkout). */
export const versionVerbs: VerbGroup = {
  name: 'version',
  summary: 'The berth version the server runs',
  verbs: [
    {
      name: 'version',
      usage: 'berth version',
      summary: 'Print the server\'s berth version (package.json), its git commit if known, and the database schema version (its highest migration).',
      args: [],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<VersionResponse>('/api/v1/version');
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`berth ${res.version}`);
        ctx.out.line(`commit ${res.commit ?? 'unknown (not installed from a git checkout)'}`);
        ctx.out.line(`database schema ${res.schema}`);
      },
    },
  ],
};

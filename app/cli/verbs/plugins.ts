import path from 'node:path';
import type { VerbGroup } from '../types';
import type { PluginsListResponse, PluginResponse } from '../api-types';

const ID = { name: 'id', summary: 'The plugin\'s id (from its plugin.json).' };

export const pluginsVerbs: VerbGroup = {
  name: 'plugins',
  summary: 'Plugins: built-in, installed, and the ones berth refused',
  verbs: [
    {
      name: 'plugins:list',
      aliases: ['plugins'],
      usage: 'berth plugins:list',
      summary: 'List plugins with their versions and status; refused ones with the reason.',
      args: [],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<PluginsListResponse>('/api/v1/plugins');
        if (ctx.json) return ctx.out.json(res);
        ctx.out.heading('Plugins');
        const width = Math.max(4, ...res.plugins.map((p) => p.id.length));
        for (const p of res.plugins) {
          const kind = p.service ? 'service' : '';
          ctx.out.line(`${p.id.padEnd(width)}  ${(p.version ?? '-').padEnd(8)}  ${p.status.padEnd(8)}  ${p.origin.padEnd(9)}  ${kind}`.trimEnd());
          if (p.error) ctx.out.line(`${' '.repeat(width)}  !     ${p.error.code}: ${p.error.message}`);
        }
      },
    },
    {
      name: 'plugins:install',
      usage: 'berth plugins:install <source>',
      summary: 'Install a plugin from a folder on the berth host (loaded from there), a `npm pack` .tgz, or an npm package.',
      args: [{ name: 'source', summary: 'A folder or .tgz path on the berth host, or an npm package name (`name@version`).' }],
      options: [],
      async run(ctx) {
        const raw = ctx.arg('source');
        // A relative path means the caller's folder (the CLI usually runs on the berth host).
        const source = /^[./]/.test(raw) || raw.endsWith('.tgz') ? path.resolve(ctx.io.cwd, raw) : raw;
        const res = await ctx.api().json<PluginResponse>('POST', '/api/v1/plugins', { source });
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Installed ${res.plugin.id} ${res.plugin.version} (${res.plugin.status})`);
      },
    },
    {
      name: 'plugins:enable',
      usage: 'berth plugins:enable <id>',
      summary: 'Enable a disabled plugin (it loads at once).',
      args: [ID],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<PluginResponse>('POST', `/api/v1/plugins/${encodeURIComponent(ctx.arg('id'))}/enable`);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${res.plugin.id} is ${res.plugin.status}${res.plugin.error ? `: ${res.plugin.error.message}` : ''}`);
      },
    },
    {
      name: 'plugins:disable',
      usage: 'berth plugins:disable <id>',
      summary: 'Disable a plugin: its hooks stop running and its services cannot be managed (their containers keep running).',
      args: [ID],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<PluginResponse>('POST', `/api/v1/plugins/${encodeURIComponent(ctx.arg('id'))}/disable`);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${res.plugin.id} is ${res.plugin.status}`);
      },
    },
  ],
};

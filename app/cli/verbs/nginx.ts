import { appPath } from '../api-client';
import { keyValues } from '../output';
import type { ArgSpec, VerbGroup } from '../types';
import type { NginxResponse, NginxConfigResponse } from '../api-types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

export const nginxVerbs: VerbGroup = {
  name: 'nginx',
  summary: 'Per-app proxy settings (body size, timeouts, HTTPS redirect, HSTS, access log)',
  verbs: [
    {
      name: 'nginx:report', usage: 'berth nginx:report <app>', summary: 'Show the app\'s proxy settings and the keys nginx:set takes.', args: [APP], options: [],
      async run(ctx) {
        const res = await ctx.api().get<NginxResponse>(appPath(ctx.arg('app'), '/nginx'));
        if (ctx.json) return ctx.out.json(res);
        ctx.out.heading(`${res.nginx.app} nginx settings`);
        ctx.out.write(keyValues(Object.keys(res.nginx.known).map((k) => [k, res.nginx.settings[k] ?? `(default) ${res.nginx.known[k]}`])));
      },
    },
    {
      name: 'nginx:set', usage: 'berth nginx:set <app> <key> [value]',
      summary: 'Set a proxy setting (without a value: back to the default) and re-route the app.',
      args: [APP, { name: 'key', summary: 'e.g. client-max-body-size, proxy-read-timeout, https-redirect, hsts, access-log.' },
        { name: 'value', optional: true, summary: 'The new value, e.g. 50m, 120s, true.' }],
      options: [],
      async run(ctx) {
        const key = ctx.arg('key');
        const value = ctx.args.positional.value;
        const body = value === undefined ? { unset: [key] } : { set: { [key]: value } };
        const res = await ctx.api().json<NginxResponse>('PATCH', appPath(ctx.arg('app'), '/nginx'), body);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${key} ${value === undefined ? 'reset to its default' : `set to ${value}`}`);
      },
    },
    {
      name: 'nginx:show-config', usage: 'berth nginx:show-config <app>', summary: 'Print the app\'s generated nginx config.', args: [APP], options: [],
      async run(ctx) {
        const res = await ctx.api().get<NginxConfigResponse>(appPath(ctx.arg('app'), '/nginx/config'));
        if (ctx.json) return ctx.out.json(res);
        if (res.config === null) return ctx.out.note(`${ctx.arg('app')} has no router config yet (it is written at the first deploy).`);
        ctx.out.write(res.config);
      },
    },
  ],
};

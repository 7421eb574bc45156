import { appPath } from '../api-client';
import { table } from '../output';
import type { ArgSpec, VerbContext, VerbGroup } from '../types';
import { certLines } from './certs';
import type { LetsencryptListResponse, LetsencryptResponse } from '../api-types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

function show(ctx: VerbContext, res: LetsencryptResponse, done: string): void {
  if (ctx.json) return ctx.out.json(res);
  ctx.out.line(`-----> ${done}`);
  if (res.letsencrypt.cert) ctx.out.write(certLines(res.letsencrypt.cert));
}

export const letsencryptVerbs: VerbGroup = {
  name: 'letsencrypt',
  summary: 'Certificates from an ACME CA (Let\'s Encrypt), renewed automatically',
  verbs: [
    {
      name: 'letsencrypt:enable', usage: 'berth letsencrypt:enable <app> [--email <address>]',
      summary: 'Obtain a certificate for the app\'s domains over HTTP-01 now, and renew it before it expires.',
      args: [APP], options: [{ name: 'email', value: '<address>', summary: 'Contact address for the ACME account (default BERTH_ACME_EMAIL).' }],
      async run(ctx) {
        const email = typeof ctx.args.options.email === 'string' ? ctx.args.options.email : undefined;
        const res = await ctx.api().json<LetsencryptResponse>('POST', appPath(ctx.arg('app'), '/letsencrypt'), { email });
        show(ctx, res, `Let's Encrypt enabled for ${ctx.arg('app')}`);
      },
    },
    {
      name: 'letsencrypt:disable', usage: 'berth letsencrypt:disable <app>',
      summary: 'Stop renewing and remove the ACME certificate (the app goes back to HTTP only).', args: [APP], options: [],
      async run(ctx) {
        const res = await ctx.api().json<LetsencryptResponse>('DELETE', appPath(ctx.arg('app'), '/letsencrypt'));
        show(ctx, res, `Let's Encrypt disabled for ${ctx.arg('app')}`);
      },
    },
    {
      name: 'letsencrypt:renew', usage: 'berth letsencrypt:renew <app>', summary: 'Obtain a fresh certificate now.', args: [APP], options: [],
      async run(ctx) {
        const res = await ctx.api().json<LetsencryptResponse>('POST', appPath(ctx.arg('app'), '/letsencrypt/renew'));
        show(ctx, res, `Certificate of ${ctx.arg('app')} renewed`);
      },
    },
    {
      name: 'letsencrypt:list', usage: 'berth letsencrypt:list', summary: 'Apps with Let\'s Encrypt enabled and their expiry.', args: [], options: [],
      async run(ctx) {
        const res = await ctx.api().get<LetsencryptListResponse>('/api/v1/letsencrypt');
        if (ctx.json) return ctx.out.json(res);
        if (!res.apps.length) return ctx.out.note('No app has Let\'s Encrypt enabled: berth letsencrypt:enable <app>');
        ctx.out.write(table(['APP', 'EXPIRES', 'DAYS LEFT'], res.apps.map((s) => [s.app, s.cert?.notAfter ?? '-', s.cert?.expiresInDays ?? '-'])));
      },
    },
  ],
};

import { readUserFile } from '../user-files';
import { appPath } from '../api-client';
import { CliError } from '../cli-error';
import { keyValues } from '../output';
import type { ArgSpec, VerbContext, VerbGroup } from '../types';
import type { CertAddRequest, CertResponse, CertView } from '../api-types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

/** A certificate as the API shows it (app/api-contract). */
export type CertReport = CertView;

export function certLines(c: CertReport): string {
  return keyValues([
    ['Source', c.source],
    ['Subject', c.subject],
    ['Issuer', c.issuer || '-'],
    ['Domains', c.domains.join(' ')],
    ['Expires', `${c.notAfter} (in ${c.expiresInDays} days)`],
    ['SHA-256', c.fingerprint],
  ]);
}

function readPem(ctx: VerbContext, file: string, what: string): Promise<string> {
  return readUserFile(ctx.io, file, { what, maxBytes: 1_000_000 });
}

export const certsVerbs: VerbGroup = {
  name: 'certs',
  summary: 'An app\'s TLS certificate',
  verbs: [
    {
      name: 'certs:add', usage: 'berth certs:add <app> <cert-file> <key-file>',
      summary: 'Install a PEM certificate (chain) and its key; berth checks the pair and serves HTTPS.',
      args: [APP, { name: 'cert-file', summary: 'PEM certificate, leaf first, chain after.' }, { name: 'key-file', summary: 'Its unencrypted PEM private key.' }],
      options: [],
      async run(ctx) {
        const body = { cert: await readPem(ctx, ctx.arg('cert-file'), 'certificate'), key: await readPem(ctx, ctx.arg('key-file'), 'key') };
        const res = await ctx.api().json<CertResponse & { cert: CertView }>('POST', appPath(ctx.arg('app'), '/certs'), body satisfies CertAddRequest);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Certificate installed for ${ctx.arg('app')}`);
        ctx.out.write(certLines(res.cert));
      },
    },
    {
      name: 'certs:remove', usage: 'berth certs:remove <app>', summary: 'Remove the certificate; the app is served over HTTP only.', args: [APP], options: [],
      async run(ctx) {
        await ctx.api().json('DELETE', appPath(ctx.arg('app'), '/certs'));
        if (ctx.json) return ctx.out.json({ removed: true });
        ctx.out.line(`-----> Certificate of ${ctx.arg('app')} removed`);
      },
    },
    {
      name: 'certs:report', aliases: ['certs'], usage: 'berth certs:report <app>', summary: 'Show the certificate\'s subject, domains and expiry.', args: [APP], options: [],
      async run(ctx) {
        const res = await ctx.api().get<CertResponse>(appPath(ctx.arg('app'), '/certs'));
        if (ctx.json) return ctx.out.json(res);
        ctx.out.heading(`${ctx.arg('app')} certificate`);
        if (!res.cert) return ctx.out.line('none (HTTP only): berth certs:add or berth letsencrypt:enable');
        ctx.out.write(certLines(res.cert));
      },
    },
  ],
};

import type { Request } from 'express';
import type nunjucks from 'nunjucks';
import { need, strictRouter, type GuardedRouter } from '../../strict-router';
import type { HttpServices } from '../../http-services';
import { userName } from '../../auth-middleware';
import { formAction } from '../form';
import { render } from '../views';
import { tabUrl } from '../app-tabs';

const domainsUrl = (req: Request) => tabUrl(String(req.params.app), 'domains');

/**
 * One-click HTTPS: the domains panel's "Enable HTTPS…" opens a confirmation naming every domain the
 * certificate will cover, and its POST is `letsencrypt:enable` (LetsencryptService, the API's call):
 * one certificate for all the app's domains an HTTP-01 challenge can prove, renewed by berth. A
 * domain added later gets HTTPS by the same button (the certificate is issued again for all).
 */
export function tlsRoutes(berth: HttpServices, views: nunjucks.Environment): GuardedRouter {
  const r = strictRouter();

  r.get('/apps/:app/https', need.appRead, (req, res) => {
    const app = berth.apps.require(req.params.app).name;
    // Only those who may enable it see the confirmation (the POST is refused to anyone else anyway).
    berth.access.authorize(req.user!, 'write', app);
    const all = berth.domains.report(app).all;
    const provable = all.filter((d) => !d.startsWith('*.'));
    const current = berth.certs.report(app);
    render(views, req, res, 'confirm.njk', {
      app: { name: app },
      confirm: {
        title: `Enable HTTPS for ${app}?`, action: `/apps/${app}/https`, fields: {}, button: 'Enable HTTPS',
        back: { href: tabUrl(app, 'domains'), label: `${app}'s domains` },
        effects: [
          `berth asks the ACME server for one certificate covering ${provable.join(', ') || '(no domain)'}, proving each over HTTP-01 on port 80.`
            + (provable.length < all.length ? ' Wildcard domains are left out: they need DNS-01.' : ''),
          `Once it is issued ${app} answers HTTPS with it, and berth renews it before it expires. If the ACME server refuses, nothing changes.`,
          ...(current && current.source !== 'acme' ? [`It replaces the certificate you added for ${current.domains.join(', ')}.`] : []),
        ],
      },
    });
  });

  r.post('/apps/:app/https', need.appWrite, formAction(domainsUrl, async (req) => {
    const app = req.params.app as string;
    const status = await berth.letsencrypt.enable(app, undefined, userName(req));
    const cert = status.cert!;
    return { to: domainsUrl(req), ok: `HTTPS is on for ${cert.domains.join(', ')}: a Let's Encrypt certificate until ${cert.notAfter.slice(0, 10)}, renewed by berth.` };
  }));
  return r;
}

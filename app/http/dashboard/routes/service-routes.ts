import { type Request } from 'express';
import { need, strictRouter, type GuardedRouter } from '../../strict-router';
import { visibleServices } from '../../secret-views';
import type nunjucks from 'nunjucks';
import type { HttpServices } from '../../http-services';
import { userName } from '../../auth-middleware';
import { field, formAction } from '../form';
import { render } from '../views';
import { summaryOf } from '../../../backups';

const sp = (req: Request) => ({ plugin: String(req.params.plugin), name: String(req.params.name) });
const isAdmin = (req: Request) => req.user?.role === 'admin';

/**
 * The services page (services grouped by plugin; create, link/unlink, backup, destroy) and the
 * plugins page (loaded plugins, refused ones with their error). The same service-kit calls as the
 * API; berth-wide POSTs are admin-only by authorizeRequest, and the page hides those forms from others.
 */
export function serviceRoutes(berth: HttpServices, views: nunjucks.Environment): GuardedRouter {
  const { kit, links, backup, plugins } = berth.services;
  const r = strictRouter();

  r.get('/services', need.read, async (req, res) => {
    const groups = await Promise.all(plugins.catalog.list().map(async (p) => ({
      id: p.id, version: p.version, image: p.image,
      services: visibleServices(berth, req.user!, await Promise.all(kit.list(p.id).map((s) => kit.info(s.plugin, s.name)))),
    })));
    const apps = berth.access.visibleApps(req.user!, berth.apps.list()).map((a) => a.name);
    // "Last verified restore" per service, for those who may read its backups (admins, developers of a linked app: the
    // services they see here); viewers see no backup details, as in the API.
    const verified: Record<string, { at: string | null; what: string; failed: string | null; stale: string[] }> = {};
    if (req.user!.role !== 'viewer') {
      for (const g of groups) {
        for (const s of g.services) {
          const { lastVerified, stale } = berth.serviceBackups.verifier.status(s.plugin, s.name);
          const newest = berth.serviceBackups.verifier.history(s.plugin, s.name, 1)[0];
          verified[`${s.plugin}/${s.name}`] = {
            at: lastVerified?.verifiedAt ?? null, what: lastVerified ? summaryOf(lastVerified) : '',
            failed: newest && !newest.ok ? `${newest.verifiedAt}: ${newest.problems.join('; ')}` : null, stale,
          };
        }
      }
    }
    render(views, req, res, 'services.njk', { groups, apps, isAdmin: isAdmin(req), verified, showVerified: req.user!.role !== 'viewer' });
  });

  r.post('/services/:plugin', need.admin, formAction(() => '/services', async (req) => {
    const s = await kit.create({ plugin: String(req.params.plugin), name: field(req, 'name'), image: field(req, 'image') || undefined, user: userName(req) });
    return { to: '/services', ok: `Created ${s.plugin} service ${s.name}.` };
  }));

  r.post('/services/:plugin/:name/link', need.serviceAdmin, formAction(() => '/services', async (req) => {
    const { plugin, name } = sp(req);
    await links.link({ plugin, name, app: field(req, 'app'), alias: field(req, 'alias') || undefined, user: userName(req) });
    return { to: '/services', ok: `Linked ${plugin} service ${name} to ${field(req, 'app')}; the app re-releases with its URL.` };
  }));

  r.post('/services/:plugin/:name/unlink', need.serviceAdmin, formAction(() => '/services', async (req) => {
    const { plugin, name } = sp(req);
    await links.unlink({ plugin, name, app: field(req, 'app'), user: userName(req) });
    return { to: '/services', ok: `Unlinked ${plugin} service ${name} from ${field(req, 'app')}.` };
  }));

  r.post('/services/:plugin/:name/destroy', need.serviceAdmin, formAction(() => '/services', async (req) => {
    const { plugin, name } = sp(req);
    const out = await kit.destroy({ plugin, name, confirm: field(req, 'confirm'), force: field(req, 'force') === 'on', user: userName(req) });
    return { to: '/services', ok: `Destroyed ${plugin} service ${name}${out.dataKept ? ' (data kept)' : ' and its data'}.` };
  }));

  /** The backup as a download; an error after the first byte cuts the connection (never half a dump). */
  r.get('/services/:plugin/:name/export', need.serviceRead, async (req, res) => {
    const { plugin, name } = sp(req);
    const run = await backup.prepareExport(plugin, name);
    res.status(200).type('application/octet-stream');
    res.setHeader('content-disposition', `attachment; filename="${plugin}-${name}.dump"`);
    try {
      await run(res);
      res.end();
    } catch (e) {
      res.destroy(e as Error);
    }
  });

  r.get('/plugins', need.read, (req, res) => {
    const all = plugins.list();
    render(views, req, res, 'plugins.njk', { loaded: all.filter((p) => p.status !== 'refused'), refused: all.filter((p) => p.status === 'refused') });
  });
  return r;
}

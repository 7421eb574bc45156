import type { Request } from 'express';
import type nunjucks from 'nunjucks';
import { BerthError } from '../../../errors';
import { need, strictRouter, type GuardedRouter } from '../../strict-router';
import type { HttpServices } from '../../http-services';
import { sendBerthBackup } from '../../routes/berth-backup-routes';
import { userName } from '../../auth-middleware';
import { field, formAction, queryText } from '../form';
import { render } from '../views';
import { BERTH_SELF, summaryOf } from '../../../backups';

const sp = (req: Request) => ({ plugin: String(req.params.plugin), service: String(req.params.name) });
const enc = encodeURIComponent;

/**
 * Backups in the dashboard: a service's backups (its readers list them; admins back up now and
 * restore into the service or into a new one, after a confirmation page), and berth's own
 * backups (admins only, every method: list, back up now, download). The same calls as the API.
 */
export function backupRoutes(berth: HttpServices, views: nunjucks.Environment): GuardedRouter {
  const backups = berth.serviceBackups;
  const r = strictRouter();
  /** The service's backups page, or the services page when the service is not there (a bad name). */
  const pageOf = (req: Request): string => {
    const { plugin, service } = sp(req);
    try { berth.services.kit.find(plugin, service); } catch { return '/services'; }
    return `/services/${enc(plugin)}/${enc(service)}/backups`;
  };
  const requireAdmin = (req: Request) => {
    if (req.user?.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only an admin may restore a backup.');
  };

  r.get('/services/:plugin/:name/backups', need.serviceRead, (req, res) => {
    const { plugin, service } = sp(req);
    const { backups: list, schedules, verifications, lastVerified, stale } = backups.list(plugin, service);
    render(views, req, res, 'service-backups.njk', {
      plugin, service, backups: list, schedules, isAdmin: req.user?.role === 'admin',
      verifications, stale, lastVerified: lastVerified ? { ...lastVerified, summary: summaryOf(lastVerified) } : null,
    });
  });

  r.post('/services/:plugin/:name/backups', need.serviceAdmin, formAction(pageOf, async (req) => {
    const { plugin, service } = sp(req);
    const b = await backups.run({ plugin, service, user: userName(req) });
    return { to: pageOf(req), ok: `Backed up ${plugin} service ${service} as ${b.id} (${b.size} bytes).` };
  }));

  /** What the restore will do, then one POST: into the service (its data replaced) or into a new one. */
  r.get('/services/:plugin/:name/backups/:id/restore', need.serviceRead, (req, res) => {
    const { plugin, service } = sp(req);
    const id = String(req.params.id);
    const backup = backups.list(plugin, service).backups.find((b) => b.id === id);
    if (!backup) throw new BerthError('BACKUP_NOT_FOUND', `${plugin} service ${service} has no backup "${id.slice(0, 80)}".`);
    requireAdmin(req);
    const into = queryText(req, 'into');
    const confirm = {
      title: into ? `Restore ${id} into a new service ${into}?` : `Restore ${id} into ${service}?`,
      back: { href: pageOf(req), label: `${plugin} service ${service}` },
      action: `/services/${enc(plugin)}/${enc(service)}/backups/${enc(id)}/restore`,
      fields: into ? { into } : {},
      button: into ? `Create ${into} and restore` : `Restore into ${service}`,
      effects: into
        ? [`A new ${plugin} service ${into} is created and gets the data of ${id} (made ${backup.createdAt}).`, `${service} stays as it is.`]
        : [`The backup ${id} (made ${backup.createdAt}) is imported into ${service}: what it holds replaces the same data there.`, `Apps linked to ${service} see the restored data at once.`],
    };
    render(views, req, res, 'confirm.njk', { confirm });
  });

  r.post('/services/:plugin/:name/backups/:id/restore', need.serviceAdmin, formAction(pageOf, async (req) => {
    const { plugin, service } = sp(req);
    const into = field(req, 'into') || undefined;
    const out = await backups.restore({ plugin, service, id: String(req.params.id), into, user: userName(req) });
    return { to: pageOf(req), ok: `Restored ${String(req.params.id)} into ${plugin} service ${out.service}.` };
  }));

  r.get('/berth/backups', need.admin, async (req, res) => {
    const last = backups.verifier.status(BERTH_SELF, 'berth').lastVerified;
    render(views, req, res, 'berth-backups.njk', {
      backups: await berth.berthBackups.list(), schedule: berth.berthBackups.schedule(),
      verifications: backups.verifier.history(BERTH_SELF, 'berth'), stale: [], lastVerified: last ? { ...last, summary: summaryOf(last) } : null,
    });
  });

  r.post('/berth/backups', need.admin, formAction(() => '/berth/backups', async (req) => {
    const b = await berth.berthBackups.create({ user: userName(req) });
    return { to: '/berth/backups', ok: `Backed up berth as ${b.name} (${b.size} bytes).` };
  }));

  r.get('/berth/backups/:name', need.admin, async (req, res) => { await sendBerthBackup(berth, String(req.params.name), res); });
  return r;
}

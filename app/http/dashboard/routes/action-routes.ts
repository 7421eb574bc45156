import { type Request } from 'express';
import { need, strictRouter, type GuardedRouter } from '../../strict-router';
import type { HttpServices } from '../../http-services';
import { userName } from '../../auth-middleware';
import { positiveInt } from '../../request-body';
import { field, formAction } from '../form';
import { tabUrl, type AppTab } from '../app-tabs';

/** The app page's tab a form belongs to: where it leads back, with the outcome or the error. */
const tabOf = (tab: AppTab) => (req: Request) => tabUrl(String(req.params.app), tab);
const appUrl = tabOf('overview');

/** What a form queued: its tab then follows that build's log live. */
const withBuild = (req: Request, build: { id: number } | null, tab: AppTab = 'overview') => (build ? `${tabUrl(String(req.params.app), tab)}?build=${build.id}#live` : tabUrl(String(req.params.app), tab));

/** The app page's forms; each is one call into the same domain services the API uses. */
export function actionRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();

  r.post('/apps/:app/config', need.appWrite, formAction(tabOf('config'), async (req) => {
    const app = req.params.app as string;
    const key = field(req, 'key');
    const value = ((req.body ?? {}) as Record<string, unknown>).value;
    const change = { set: { [key]: typeof value === 'string' ? value : '' }, unset: [] };
    const { changed, build } = await berth.releases.changeConfig(app, change, { restart: true, user: userName(req) });
    return { to: withBuild(req, build, 'config'), ok: changed ? `Set ${key}${build ? '; a new release is deploying.' : '.'}` : `${key} is unchanged.` };
  }));

  r.post('/apps/:app/config/unset', need.appWrite, formAction(tabOf('config'), async (req) => {
    const app = req.params.app as string;
    const key = field(req, 'key');
    const { changed, build } = await berth.releases.changeConfig(app, { set: {}, unset: [key] }, { restart: true, user: userName(req) });
    return { to: withBuild(req, build, 'config'), ok: changed ? `Removed ${key}.` : `${key} was not set.` };
  }));

  r.post('/apps/:app/rollback', need.appWrite, formAction(tabOf('deploys'), async (req) => {
    const app = req.params.app as string;
    berth.apps.require(app);
    const version = positiveInt(field(req, 'version').replace(/^v/, ''), 'version');
    const restoreData = field(req, 'restoreData') === 'true';
    const user = req.user!;
    const { build } = await berth.releases.rollback(app, version, userName(req), { restoreData, canWrite: (a) => berth.access.can(user, 'write', a) });
    return { to: withBuild(req, build, 'deploys'), ok: `Rolling back to v${version ?? 'previous'}${restoreData ? ' with its data' : ''}.` };
  }));

  /** The form sends `scale_<type>` per process type. */
  r.post('/apps/:app/scale', need.appWrite, formAction(appUrl, async (req) => {
    const requested: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
      if (k.startsWith('scale_') && typeof v === 'string') requested[k.slice(6)] = v.trim() === '' ? v : Number(v);
    }
    const { build } = await berth.processes.scale(req.params.app as string, requested, userName(req));
    const words = Object.entries(requested).map(([t, n]) => `${t}=${String(n)}`).join(' ');
    return { to: withBuild(req, build), ok: `Scaling ${words}.` };
  }));

  for (const verb of ['restart', 'stop', 'start'] as const) {
    r.post(`/apps/:app/${verb}`, need.appWrite, formAction(appUrl, async (req) => {
      const app = req.params.app as string;
      const { build } = verb === 'restart' ? await berth.processes.restart(app, undefined, userName(req))
        : verb === 'stop' ? await berth.processes.stop(app, userName(req)) : await berth.processes.start(app, userName(req));
      return { to: withBuild(req, build), ok: `${verb[0].toUpperCase()}${verb.slice(1)} queued.` };
    }));
  }

  r.post('/apps/:app/domains', need.appWrite, formAction(tabOf('domains'), async (req) => {
    await berth.domains.add(req.params.app as string, [field(req, 'domain')], userName(req));
    return { to: tabUrl(String(req.params.app), 'domains'), ok: `Added ${field(req, 'domain')}.` };
  }));

  r.post('/apps/:app/domains/remove', need.appWrite, formAction(tabOf('domains'), async (req) => {
    await berth.domains.remove(req.params.app as string, [field(req, 'domain')], userName(req));
    return { to: tabUrl(String(req.params.app), 'domains'), ok: `Removed ${field(req, 'domain')}.` };
  }));

  /** The picker sends `target=<plugin>/<name>`; `plugin` and `service` fields are still read. */
  r.post('/apps/:app/services/link', need.appAdmin, formAction(tabOf('services'), async (req) => {
    const target = field(req, 'target');
    const slash = target.indexOf('/');
    const plugin = slash > 0 ? target.slice(0, slash) : field(req, 'plugin');
    const name = slash > 0 ? target.slice(slash + 1) : field(req, 'service');
    const { link, build } = await berth.services.links.link({ plugin, name, app: req.params.app as string, alias: field(req, 'alias') || undefined, user: userName(req) });
    return { to: withBuild(req, build, 'services'), ok: `Linked ${plugin} service ${name}: the app gets ${link.alias}${build ? ' with the new release' : ''}.` };
  }));

  /** Redeploy: builds the deploy branch's commit again (ps:rebuild) into a new release. */
  r.post('/apps/:app/rebuild', need.appWrite, formAction(tabOf('deploys'), async (req) => {
    const { build } = await berth.processes.rebuild(req.params.app as string, userName(req));
    return { to: withBuild(req, build, 'deploys'), ok: 'Rebuilding the deploy branch\'s commit.' };
  }));

  r.post('/apps/:app/services/unlink', need.appAdmin, formAction(tabOf('services'), async (req) => {
    const { build } = await berth.services.links.unlink({ plugin: field(req, 'plugin'), name: field(req, 'service'), app: req.params.app as string, user: userName(req) });
    return { to: withBuild(req, build, 'services'), ok: `Unlinked ${field(req, 'plugin')} service ${field(req, 'service')}.` };
  }));

  r.post('/apps/:app/destroy', need.appWrite, formAction(tabOf('settings'), async (req) => {
    const app = req.params.app as string;
    await berth.apps.destroy(app, field(req, 'confirm'), userName(req));
    return { to: '/', ok: `Destroyed ${app}.` };
  }));
  return r;
}

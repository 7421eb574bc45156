import { need, strictRouter, type GuardedRouter } from '../../strict-router';
import type nunjucks from 'nunjucks';
import type { HttpServices } from '../../http-services';
import { positiveInt } from '../../request-body';
import { appSummaries } from '../app-summaries';
import { SORTS, overviewHref, overviewPage, overviewQuery, sortHref } from '../overview-list';
import { liveKey } from '../live-key';
import { confirmationFor } from '../confirmations';
import { appPage } from '../app-page';
import { APP_TABS } from '../app-tabs';
import { field, formAction } from '../form';
import { render } from '../views';
import { userName } from '../../auth-middleware';

/** Reading pages: overview (and create app), app page, a build's log, the events feed. */
export function pageRoutes(berth: HttpServices, views: nunjucks.Environment): GuardedRouter {
  const r = strictRouter();
  /** The overview: search, sort and pages by query parameters (overview-list.ts); create an app at the top, for those who may. */
  r.get('/', need.read, async (req, res) => {
    const query = overviewQuery(req.query);
    const visible = berth.access.visibleApps(req.user!, berth.apps.list()).length;
    const list = overviewPage(await appSummaries(berth, query.q, req.user), query);
    const pages = { prev: list.page > 1 ? overviewHref(query, { page: list.page - 1 }) : null, next: list.page < list.pages ? overviewHref(query, { page: list.page + 1 }) : null };
    const sorts = Object.fromEntries(SORTS.map((s) => [s, { href: sortHref(query, s), current: query.sort === s ? query.dir : null }]));
    render(views, req, res, 'overview.njk', {
      apps: list.rows, list, query, total: visible, pages, sorts,
      // The live stream follows exactly this page's rows (same query).
      liveStream: `/live${overviewHref(query, {}).slice(1)}`,
      liveKey: liveKey(list.rows),
      canCreate: berth.access.can(req.user!, 'admin', null),
    });
  });

  r.post('/apps', need.admin, formAction(() => '/', async (req) => {
    const app = await berth.apps.create(field(req, 'name'), userName(req));
    return { to: `/apps/${app.name}`, ok: `Created ${app.name}. Push to it with the git remote below.` };
  }));

  // The app page's tabs (app-tabs.ts), one page each: `/apps/<app>`, `/apps/<app>/config`, …
  for (const t of APP_TABS) {
    r.get(`/apps/:app${t.path}`, need.appRead, async (req, res) => {
      render(views, req, res, `app-${t.id}.njk`, await appPage(berth, req, req.params.app, t.id));
    });
  }

  /** The rollback's confirmation: which release comes back and which config vars change, then one POST. */
  r.get('/apps/:app/rollback', need.appRead, (req, res) => {
    const app = berth.apps.require(req.params.app).name;
    const plan = berth.releases.rollbackPlan(app, positiveInt(req.query.version, 'version'), { restoreData: req.query.restoreData === 'true' });
    render(views, req, res, 'rollback.njk', { app: { name: app }, plan });
  });

  /** Stop, removing a config var or a domain, unlinking: a page that says what it will do, then the POST. */
  r.get('/apps/:app/confirm/:what', need.appRead, async (req, res) => {
    const app = berth.apps.require(req.params.app).name;
    render(views, req, res, 'confirm.njk', { app: { name: app }, confirm: await confirmationFor(berth, req, app, req.params.what) });
  });

  r.get('/apps/:app/builds/:id', need.appRead, (req, res) => {
    berth.apps.require(req.params.app);
    const build = berth.builds.get(req.params.app, positiveInt(req.params.id, 'id'));
    const done = berth.builds.isDone(build);
    render(views, req, res, 'build.njk', { app: { name: req.params.app }, build, done, log: berth.builds.storedLog(build) });
  });

  /** The plain-text log, for copying or curl with a session. */
  r.get('/apps/:app/builds/:id/log.txt', need.appRead, (req, res) => {
    const build = berth.builds.get(req.params.app, positiveInt(req.params.id, 'id'));
    res.type('text/plain').send(berth.builds.storedLog(build).map((l) => `${l}\n`).join(''));
  });

  r.get('/events', need.events, (req, res) => {
    const app = typeof req.query.app === 'string' && req.query.app ? req.query.app : undefined;
    if (app) berth.apps.require(app);
    render(views, req, res, 'events.njk', { events: berth.events.list({ app, limit: 200 }), filterApp: app ?? '' });
  });

  /** The swarm's nodes (docs/swarm.md); a note instead when this engine runs no swarm. */
  r.get('/nodes', need.read, async (req, res) => {
    const nodes = await berth.schedulers.nodes().catch((e: { code?: string }) => { if (e.code === 'SWARM_NOT_ACTIVE') return null; throw e; });
    render(views, req, res, 'nodes.njk', { nodes: nodes ?? [], swarm: nodes !== null });
  });
  return r;
}

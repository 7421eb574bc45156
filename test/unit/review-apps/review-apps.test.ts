import assert from 'node:assert/strict';
import { BerthError } from '../../../app/errors';
import { ReviewApps } from '../../../app/review-apps';
import { parseReviewEnvironment } from '../../../app/manifest';
import type { AppRecord } from '../../../app/ports/store';
import type { ServiceLinkRecord } from '../../../app/ports/services';
import { InMemoryAppSettings } from '../../support/fakes/routing-store';

/** In-memory stand-ins for the modules ReviewApps talks to: just enough state to see what it did. */
function world(o: { max?: number; appJson?: string | null; failLink?: boolean; failCreate?: string } = {}) {
  const services = new Set<string>();
  const apps = new Map<string, { config: Record<string, string>; collaborators: string[]; links: ServiceLinkRecord[]; formation: Record<string, number> }>();
  // The review_apps key/value table as infra/sqlite keeps it (test/conformance/routing-store.ts holds the fake to it).
  const reviewApps = new InMemoryAppSettings();
  const add = (name: string) => { reviewApps.addApp(name); apps.set(name, { config: {}, collaborators: [], links: [], formation: {} }); };
  const review = new ReviewApps({
    store: { reviewApps, transaction: <T>(fn: () => T) => fn() } as never,
    apps: {
      find: (name) => (apps.has(name) ? ({ name } as AppRecord) : null),
      create: async (name) => { if (apps.has(name)) throw new BerthError('APP_EXISTS', name); add(name); },
      destroy: async (name) => { apps.delete(name); reviewApps.removeApp(name); },
    },
    config: {
      values: (app) => ({ ...apps.get(app)!.config }),
      apply: (app, change) => {
        if ('PORT' in change.set) throw new BerthError('INVALID_CONFIG_KEY', 'PORT is set by berth and cannot be changed.');
        Object.assign(apps.get(app)!.config, change.set);
        return true;
      },
    },
    access: {
      collaborators: (app) => [...apps.get(app)!.collaborators],
      addCollaborator: (app, user) => { apps.get(app)!.collaborators.push(user); },
    },
    links: {
      ofApp: (app) => apps.get(app)!.links,
      link: async (l) => {
        if (o.failLink) throw new BerthError('SERVICE_NOT_FOUND', 'gone');
        apps.get(l.app)!.links.push({ plugin: l.plugin, service: l.name, app: l.app, alias: l.alias, createdAt: '' });
      },
    },
    services: {
      exists: (plugin, name) => services.has(`${plugin}/${name}`),
      create: async (s) => {
        if (s.name === o.failCreate || services.has(`${s.plugin}/${s.name}`)) throw new BerthError('SERVICE_EXISTS', s.name);
        services.add(`${s.plugin}/${s.name}`);
      },
      destroy: async (s) => { assert.equal(s.force, true); services.delete(`${s.plugin}/${s.name}`); },
    },
    setFormation: (app, counts) => { apps.get(app)!.formation = { ...counts }; },
    readAppJson: async () => o.appJson ?? null,
    max: o.max ?? 5,
  });
  const lines: string[] = [];
  const push = (parent: string, branch: string) => review.prepare({ parent, branch, snapshotPath: '/snap.tar', user: 'dev' }, (l) => lines.push(l));
  return { apps, add, review, push, lines, reviewApps, services };
}

async function refused(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: BerthError) => {
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

describe('review apps: a push to review/<name> makes <app>-<name>', () => {
  it('copies the parent\'s config and collaborators, applies environments.review (env, formation, shared links), and records the parent', async () => {
    const w = world({ appJson: JSON.stringify({ environments: { review: { env: { GREETING: 'review' }, formation: { web: 2, worker: 0 }, services: 'shared' } } }) });
    w.add('shop');
    Object.assign(w.apps.get('shop')!, {
      config: { GREETING: 'parent', DB_POOL: '5' }, collaborators: ['dev', 'ann'],
      links: [{ plugin: 'postgres', service: 'shopdb', app: 'shop', alias: 'DATABASE_URL', createdAt: '' }],
    });
    assert.equal(await w.push('shop', 'review/feat-1'), 'shop-feat-1');
    const made = w.apps.get('shop-feat-1')!;
    assert.deepEqual(made.config, { GREETING: 'review', DB_POOL: '5' });
    assert.deepEqual(made.collaborators, ['dev', 'ann']);
    assert.deepEqual(made.formation, { web: 2, worker: 0 });
    assert.deepEqual(made.links.map((l) => [l.plugin, l.service, l.alias]), [['postgres', 'shopdb', 'DATABASE_URL']]);
    assert.equal(w.review.parentOf('shop-feat-1'), 'shop');
    assert.deepEqual(w.review.of('shop'), ['shop-feat-1']);
    assert.deepEqual(w.apps.get('shop')!.config, { GREETING: 'parent', DB_POOL: '5' }, 'the parent is untouched');
  });

  it('links nothing by default (services "none")', async () => {
    const w = world({ appJson: '{}' });
    w.add('shop');
    w.apps.get('shop')!.links.push({ plugin: 'postgres', service: 'shopdb', app: 'shop', alias: 'DATABASE_URL', createdAt: '' });
    await w.push('shop', 'review/a');
    assert.deepEqual(w.apps.get('shop-a')!.links, []);
  });

  it('a second push updates the same review app: env overrides again, the parent\'s config not copied again', async () => {
    const w = world({ appJson: JSON.stringify({ environments: { review: { env: { MODE: 'review' } } } }) });
    w.add('shop');
    w.apps.get('shop')!.config.A = '1';
    await w.push('shop', 'review/a');
    w.apps.get('shop-a')!.config.MODE = 'changed-by-hand';
    w.apps.get('shop')!.config.A = '2';
    assert.equal(await w.push('shop', 'review/a'), 'shop-a');
    assert.deepEqual(w.apps.get('shop-a')!.config, { A: '1', MODE: 'review' });
  });

  it('misuse: an existing app of that name that is not this parent\'s review app is refused, untouched', async () => {
    const w = world({ appJson: JSON.stringify({ environments: { review: { env: { X: 'y' } } } }) });
    w.add('shop');
    w.add('shop-admin');
    w.apps.get('shop-admin')!.config.SECRET = 's';
    await refused(w.push('shop', 'review/admin'), 'REVIEW_APP_TAKEN', /An app named "shop-admin" exists and is not a review app of shop/);
    assert.deepEqual(w.apps.get('shop-admin')!.config, { SECRET: 's' });
    // Another parent's review app with the same name (shop-a's review/b vs shop's review/a-b) is not this one's either.
    w.add('shop-a');
    await w.push('shop-a', 'review/b');
    await refused(w.push('shop', 'review/a-b'), 'REVIEW_APP_TAKEN');
    assert.equal(w.review.parentOf('shop-a-b'), 'shop-a');
  });

  it('misuse: a review app cannot make review apps (the cap would not hold)', async () => {
    const w = world();
    w.add('shop');
    await w.push('shop', 'review/a');
    await refused(w.push('shop-a', 'review/b'), 'INVALID_REVIEW_APP', /shop-a is a review app itself; push review branches to shop/);
    assert.equal(w.apps.has('shop-a-b'), false);
  });

  it('refuses names that make no valid app name, saying how long it may be', async () => {
    const w = world();
    const parent = `p${'a'.repeat(50)}`;
    w.add(parent);
    await refused(w.push(parent, `review/${'b'.repeat(13)}`), 'INVALID_REVIEW_APP', /after review\/ use lowercase letters, digits and dashes, 11 characters at most/);
    await refused(w.push(parent, 'review/Upper'), 'INVALID_REVIEW_APP');
    await refused(w.push(parent, 'review/a/b'), 'INVALID_REVIEW_APP');
    await refused(w.push(parent, 'review/a-'), 'INVALID_REVIEW_APP');
    assert.equal(await w.push(parent, `review/${'b'.repeat(11)}`), `${parent}-${'b'.repeat(11)}`);
  });

  it('at most BERTH_REVIEW_APPS_MAX per parent; deleting a branch frees its place', async () => {
    const w = world({ max: 2 });
    w.add('shop');
    await w.push('shop', 'review/a');
    await w.push('shop', 'review/b');
    await refused(w.push('shop', 'review/c'), 'REVIEW_APPS_LIMIT', /shop has 2 review apps and BERTH_REVIEW_APPS_MAX allows 2/);
    assert.equal(w.apps.has('shop-c'), false);
    assert.equal(await w.push('shop', 'review/a'), 'shop-a', 'an existing one still updates');
    await w.review.remove({ parent: 'shop', branch: 'review/a', user: 'dev' }, () => undefined);
    assert.equal(w.apps.has('shop-a'), false);
    assert.equal(await w.push('shop', 'review/c'), 'shop-c');
  });

  it('deleting a branch destroys only this parent\'s review app', async () => {
    const w = world();
    w.add('shop');
    w.add('shop-x');
    await w.review.remove({ parent: 'shop', branch: 'review/x', user: 'dev' }, (l) => w.lines.push(l));
    assert.equal(w.apps.has('shop-x'), true);
    assert.deepEqual(w.lines, ['-----> review/x had no review app']);
  });

  it('the parent\'s destroy takes its review apps (a later app of its name must not inherit them); a rename keeps them its own', async () => {
    const w = world();
    w.add('shop');
    w.add('other');
    await w.push('shop', 'review/a');
    await w.push('other', 'review/a');
    w.apps.set('store', w.apps.get('shop')!);
    w.apps.delete('shop');
    w.review.parentRenamed('shop', 'store');
    assert.deepEqual([w.review.of('shop'), w.review.of('store')], [[], ['shop-a']]);
    await w.review.remove({ parent: 'store', branch: 'review/a', user: 'dev' }, () => undefined);
    assert.equal(w.apps.has('shop-a'), false, 'found by its record, not by the parent\'s new name');
    await w.push('store', 'review/b');
    await w.review.parentDestroyed('store');
    assert.deepEqual([w.apps.has('store-b'), w.apps.has('other-a')], [false, true]);
  });

  it('services "new": an empty service per parent link, same kind and env var; destroyed with the review app', async () => {
    const w = world({ appJson: JSON.stringify({ environments: { review: { services: 'new' } } }) });
    w.add('shop');
    w.services.add('redis/shop-a-2'); // taken: the second link (redis) gets a hashed name
    w.apps.get('shop')!.links.push(
      { plugin: 'postgres', service: 'shopdb', app: 'shop', alias: 'DATABASE_URL', createdAt: '' },
      { plugin: 'redis', service: 'cache', app: 'shop', alias: 'REDIS_URL', createdAt: '' },
    );
    await w.push('shop', 'review/a');
    const links = w.apps.get('shop-a')!.links.map((l) => [l.plugin, l.service, l.alias]);
    assert.equal(links.length, 2);
    assert.deepEqual(links[0], ['postgres', 'shop-a', 'DATABASE_URL']);
    assert.match(links[1][1], /^review-[0-9a-f]{12}$/);
    assert.deepEqual(links[1].filter((_, i) => i !== 1), ['redis', 'REDIS_URL']);
    assert.deepEqual([...w.services].sort(), ['postgres/shop-a', `redis/${links[1][1]}`, 'redis/shop-a-2']);
    await w.review.remove({ parent: 'shop', branch: 'review/a', user: 'dev' }, () => undefined);
    assert.deepEqual([...w.services], ['redis/shop-a-2'], 'only what it made is destroyed');
  });

  it('services "new": a failure part-way destroys the services made so far', async () => {
    const w = world({ appJson: JSON.stringify({ environments: { review: { services: 'new' } } }), failCreate: 'shop-a-2' });
    w.add('shop');
    w.apps.get('shop')!.links.push(
      { plugin: 'postgres', service: 'one', app: 'shop', alias: 'DATABASE_URL', createdAt: '' },
      { plugin: 'postgres', service: 'two', app: 'shop', alias: 'OTHER_URL', createdAt: '' },
    );
    await refused(w.push('shop', 'review/a'), 'SERVICE_EXISTS');
    assert.deepEqual([[...w.services], w.apps.has('shop-a')], [[], false]);
  });

  it('an override config refuses (PORT) leaves no review app behind', async () => {
    const w = world({ appJson: JSON.stringify({ environments: { review: { env: { PORT: '80' } } } }) });
    w.add('shop');
    await refused(w.push('shop', 'review/a'), 'INVALID_CONFIG_KEY');
    assert.deepEqual([w.apps.has('shop-a'), w.review.of('shop')], [false, []]);
  });

  it('a failed set-up leaves no half-made review app', async () => {
    const w = world({ appJson: JSON.stringify({ environments: { review: { services: 'shared' } } }), failLink: true });
    w.add('shop');
    w.apps.get('shop')!.links.push({ plugin: 'postgres', service: 'gone', app: 'shop', alias: 'DATABASE_URL', createdAt: '' });
    await refused(w.push('shop', 'review/a'), 'SERVICE_NOT_FOUND');
    assert.equal(w.apps.has('shop-a'), false);
    assert.deepEqual(w.review.of('shop'), []);
  });
});

describe('app.json environments.review', () => {
  it('reads env (plain or {"value"}), formation and services', () => {
    assert.deepEqual(parseReviewEnvironment(JSON.stringify({ environments: { review: { env: { A: 'x', B: { value: 'y' } }, formation: { web: { quantity: 2 } }, services: 'shared' } } })),
      { env: { A: 'x', B: 'y' }, formation: { web: 2 }, services: 'shared' });
    assert.deepEqual(parseReviewEnvironment(null), { env: {}, formation: {}, services: 'none' });
  });

  it('says what to fix', () => {
    const bad = (review: unknown, message: string) => assert.throws(() => parseReviewEnvironment(JSON.stringify({ environments: { review } })),
      (e: BerthError) => e.code === 'INVALID_APP_JSON' && e.message === message);
    bad({ services: 'copy' }, 'app.json: environments.review.services must be "none", "shared" or "new"');
    bad({ env: { A: 1 } }, 'app.json: environments.review.env.A must be a string (or {"value": "…"})');
    bad({ formation: { web: 500 } }, 'app.json: environments.review.formation.web.quantity must be a whole number from 0 to 50');
    bad('x', 'app.json: environments.review must be an object');
  });
});

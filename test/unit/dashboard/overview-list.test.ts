import assert from 'node:assert/strict';
import { overviewHref, overviewPage, overviewQuery, sortHref, PAGE_SIZE } from '../../../app/http/dashboard/overview-list';
import { withoutCliHints } from '../../../app/http/dashboard/browser-errors';
import type { AppSummary } from '../../../app/http/dashboard/app-summaries';

const app = (name: string, status: AppSummary['status'] = 'running', deployedAt: string | null = null) =>
  ({ name, status, deployedAt, processes: {}, release: deployedAt ? 1 : null, url: '', lastBuild: null }) as AppSummary;
const names = (rows: readonly AppSummary[]) => rows.map((r) => r.name);

describe('dashboard overview: search, sort and pages', () => {
  const apps = [
    app('web', 'running', '2026-01-03T00:00:00Z'), app('api', 'crashing', '2026-01-01T00:00:00Z'),
    app('jobs', 'failed', '2026-01-02T00:00:00Z'), app('new', 'not deployed'), app('docs', 'running', '2026-01-03T00:00:00Z'),
    app('cache', 'stopped', '2026-01-01T00:00:00Z'), app('auth', 'degraded', '2026-01-04T00:00:00Z'),
  ];

  it('sorts by name, by status with trouble first, and by last deploy newest first; ties by name', () => {
    assert.deepEqual(names(overviewPage(apps, overviewQuery({})).rows), ['api', 'auth', 'cache', 'docs', 'jobs', 'new', 'web']);
    assert.deepEqual(names(overviewPage(apps, overviewQuery({ sort: 'name', dir: 'desc' })).rows), ['web', 'new', 'jobs', 'docs', 'cache', 'auth', 'api']);
    assert.deepEqual(names(overviewPage(apps, overviewQuery({ sort: 'status' })).rows), ['api', 'jobs', 'auth', 'docs', 'web', 'cache', 'new']);
    assert.deepEqual(names(overviewPage(apps, overviewQuery({ sort: 'deployed' })).rows), ['auth', 'docs', 'web', 'jobs', 'api', 'cache', 'new']);
    assert.deepEqual(names(overviewPage(apps, overviewQuery({ sort: 'deployed', dir: 'asc' })).rows), ['new', 'api', 'cache', 'jobs', 'docs', 'web', 'auth']);
  });

  it('filters by part of the name before paging', () => {
    const list = overviewPage(apps, overviewQuery({ q: ' A ' }));
    assert.deepEqual([names(list.rows), list.matched, list.from, list.to], [['api', 'auth', 'cache'], 3, 1, 3]);
    const none = overviewPage(apps, overviewQuery({ q: 'zzz' }));
    assert.deepEqual([none.rows, none.matched, none.from, none.to, none.pages], [[], 0, 0, 0, 1]);
  });

  it('cuts pages of 25; a page past the last shows the last', () => {
    const many = Array.from({ length: 60 }, (_, i) => app(`app-${String(i + 1).padStart(2, '0')}`));
    const p2 = overviewPage(many, overviewQuery({ page: '2' }));
    assert.equal(PAGE_SIZE, 25);
    assert.deepEqual([p2.rows[0].name, p2.rows.at(-1)!.name, p2.from, p2.to, p2.pages], ['app-26', 'app-50', 26, 50, 3]);
    const past = overviewPage(many, overviewQuery({ page: '9' }));
    assert.deepEqual([past.page, names(past.rows)], [3, names(many.slice(50))]);
  });

  it('refuses an unknown sort, direction or page with what to use', () => {
    assert.throws(() => overviewQuery({ sort: 'size' }), { code: 'INVALID_INPUT', message: 'Sort by name, status or deployed, not "size".' });
    assert.throws(() => overviewQuery({ dir: 'up' }), { code: 'INVALID_INPUT', message: 'dir is asc or desc, not "up".' });
    for (const page of ['0', '-1', '1.5', 'x']) assert.throws(() => overviewQuery({ page }), { code: 'INVALID_INPUT', message: `page is a page number (1, 2, …), not "${page}".` });
  });

  it('links keep the query and leave defaults out; a header link flips the current sort', () => {
    const q = overviewQuery({ q: 'api', sort: 'status', page: '2' });
    assert.equal(overviewHref(q, { page: 3 }), '/?q=api&sort=status&page=3');
    assert.equal(overviewHref(overviewQuery({}), {}), '/');
    assert.equal(sortHref(q, 'status'), '/?q=api&sort=status&dir=desc');
    assert.equal(sortHref(q, 'deployed'), '/?q=api&sort=deployed');
    assert.equal(sortHref(overviewQuery({}), 'name'), '/?dir=desc');
  });
});

describe('dashboard error pages: messages without CLI hints', () => {
  it('drops the clauses that name a command, and parenthesised commands', () => {
    assert.equal(withoutCliHints('App "x" does not exist; `berth apps:list` shows your apps.'), 'App "x" does not exist.');
    assert.equal(withoutCliHints('The app is locked for deploys (`berth apps:lock`); `berth apps:unlock <app>` lets builds run again.'), 'The app is locked for deploys.');
    assert.equal(withoutCliHints('Repeat the app name to confirm.'), 'Repeat the app name to confirm.');
    assert.equal(withoutCliHints('`berth help` lists them'), '');
  });
});

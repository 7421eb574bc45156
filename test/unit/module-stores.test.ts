import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tablesOf } from '../../app/boot/store-tables';

const APP = path.resolve(__dirname, '../../../app');

/** Which domain module owns each table set of the Store (app/ports/store.ts); `transaction` is everyone's. */
const OWNER: Readonly<Record<string, string>> = {
  apps: 'apps', config: 'config-vars', events: 'events', users: 'users', access: 'users', sessions: 'sessions',
  builds: 'builds', buildSettings: 'builds', releases: 'releases', domains: 'domains', globalDomains: 'domains',
  ports: 'domains', routerSettings: 'domains', certs: 'certs', formation: 'processes', processState: 'processes',
  mounts: 'storage', services: 'services-kit', plugins: 'plugins', registryLogins: 'registry-auth', forge: 'forge', notifications: 'notifications',
  schedulers: 'schedulers', drains: 'deploys', drainSettings: 'deploys', metrics: 'metrics', deploySettings: 'deploys', deployWatches: 'deploys', serviceBackups: 'backups',
  logDrains: 'log-drains', reviewApps: 'review-apps', releaseSnapshots: 'snapshots',
};

/**
 * Reads of another module's tables made directly (`store.<table>`, `Store['<table>']`): none is
 * left; each goes through the owning module's service or the port it declares (AppsReader,
 * ReleasesReader/Writer, ProcessesReader/Writer, ConfigReader/Restorer, …). A new entry fails the
 * test: route it through the owner instead.
 */
const NOT_YET_THROUGH_THE_OWNER: string[] = [];

/** Domain files handed the whole Store (typed `Store`) rather than their module's own tables: none is left. */
const STILL_GIVEN_THE_WHOLE_STORE: string[] = [];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const NOT_DOMAIN = new Set(['boot', 'http', 'ssh', 'cli', 'infra', 'ports', 'main.ts', 'errors', 'config', 'manifest', 'naming']);

/** Each domain file's uses of tables its module does not own: `store.<table>` and `Store['<table>']`. */
function foreignUses(): string[] {
  const out: string[] = [];
  for (const f of sources(APP)) {
    const rel = path.relative(APP, f);
    const module = rel.split(path.sep)[0];
    if (NOT_DOMAIN.has(module)) continue;
    const text = fs.readFileSync(f, 'utf8');
    const tables = new Set([
      ...[...text.matchAll(/\bstore\.(\w+)/g)].map((m) => m[1]),
      ...[...text.matchAll(/\bStore\[['"](\w+)['"]\]/g)].map((m) => m[1]),
    ].filter((t) => OWNER[t] !== undefined && OWNER[t] !== module));
    if (tables.size) out.push(`${rel.split(path.sep).join('/')}: ${[...tables].sort().map((t) => `${t} (${OWNER[t]})`).join(', ')}`);
  }
  return out.sort();
}

/** Domain files by what they are handed: the whole `Store`, or tables of `Pick<Store, …>` another module owns. */
function handed(): { whole: string[]; foreignPicks: string[] } {
  const whole: string[] = [];
  const foreignPicks: string[] = [];
  for (const f of sources(APP)) {
    const rel = path.relative(APP, f).split(path.sep).join('/');
    const module = rel.split('/')[0];
    if (NOT_DOMAIN.has(module)) continue;
    const text = fs.readFileSync(f, 'utf8');
    if (/\bstore\??:\s*Store\b(?!\[)/.test(text)) whole.push(rel);
    for (const m of text.matchAll(/Pick<Store,\s*([^>]+)>/g)) {
      for (const t of [...m[1].matchAll(/'(\w+)'/g)].map((x) => x[1])) {
        if (OWNER[t] !== undefined && OWNER[t] !== module) foreignPicks.push(`${rel}: ${t} (${OWNER[t]})`);
      }
    }
  }
  return { whole: whole.sort(), foreignPicks };
}

describe('modules own their tables (issue 18)', () => {
  it('every table set has one owning module, and each exists as a folder', () => {
    for (const module of new Set(Object.values(OWNER))) assert.ok(fs.existsSync(path.join(APP, module)), module);
    const storeTables = [...fs.readFileSync(path.join(APP, 'ports/store.ts'), 'utf8').matchAll(/^\s+readonly (\w+): [^;]*Store;/gm)].map((m) => m[1]);
    assert.deepEqual(storeTables.filter((t) => OWNER[t] === undefined), []);
  });

  it('a domain service is handed its own module\'s tables only (Pick<Store, …>), never the whole Store', () => {
    const { whole, foreignPicks } = handed();
    assert.deepEqual(foreignPicks, []);
    assert.deepEqual(whole, [...STILL_GIVEN_THE_WHOLE_STORE].sort());
  });

  it('app/boot cuts each module\'s tables out of the store (tablesOf): the object handed over holds nothing else', () => {
    const calls: string[] = [];
    const store = { apps: 'A', releases: 'R', config: 'C', transaction: (fn: () => unknown) => { calls.push('tx'); return fn(); } } as never;
    const cut = tablesOf(store, 'config') as unknown as Record<string, unknown>;
    assert.deepEqual(Object.keys(cut).sort(), ['config', 'transaction']);
    assert.equal(cut.config, 'C');
    assert.equal((cut.transaction as (fn: () => number) => number)(() => 7), 7);
    assert.deepEqual(calls, ['tx']);
  });

  it('a domain file never reads another module\'s tables itself', () => {
    assert.deepEqual(foreignUses(), [...NOT_YET_THROUGH_THE_OWNER].sort());
  });
});

import assert from 'node:assert/strict';
import { closest, GROUPS, renderOverview, renderVerbHelp } from '../../../app/cli';
import { run } from './cli-harness';

const verbs = GROUPS.flatMap((g) => g.verbs);
const ENV = { BERTH_URL: 'http://127.0.0.1:1', BERTH_TOKEN: 't' };

describe('cli registry', () => {
  it('has the dokku-named verbs the brief asks for', () => {
    const names = new Set(verbs.flatMap((v) => [v.name, ...(v.aliases ?? [])]));
    for (const n of ['login', 'apps:create', 'apps:list', 'apps:info', 'apps:rename', 'apps:destroy', 'config', 'config:show', 'config:get',
      'config:set', 'config:unset', 'config:export', 'events', 'builds:list', 'builds:info', 'builds:log', 'builds:cancel',
      'apps:deploy-image', 'releases', 'releases:list', 'releases:rollback', 'git:remote', 'help']) {
      assert.ok(names.has(n), `missing verb ${n}`);
    }
  });

  it('gives every name once', () => {
    const names = verbs.flatMap((v) => [v.name, ...(v.aliases ?? [])]);
    assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), []);
  });

  for (const v of verbs) {
    it(`${v.name}: has a summary and a usage naming its args and options`, () => {
      assert.ok(v.summary.length > 10, 'summary');
      assert.ok(v.usage.startsWith(`berth ${v.name}`), `usage starts with "berth ${v.name}"`);
      for (const a of v.args) assert.ok(v.usage.includes(a.optional ? `[${a.name}]` : `<${a.name}>`), `usage shows ${a.name}`);
      for (const o of v.options) assert.ok(v.usage.includes(o.short ? `-${o.short}` : `--${o.name}`), `usage shows --${o.name}`);
      assert.ok(v.args.filter((a) => a.variadic).every((a) => a === v.args[v.args.length - 1]), 'variadic is last');
    });
  }

  it('lists every verb in `berth help`, and one verb in `berth help <verb>`', async () => {
    const overview = renderOverview(GROUPS);
    for (const v of verbs) assert.match(overview, new RegExp(`^  ${v.name} `, 'm'));
    const r = await run(['help'], ENV);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, overview);
    const one = await run(['config:set', '--help'], ENV);
    assert.equal(one.code, 0);
    assert.equal(one.stdout, renderVerbHelp(verbs.find((v) => v.name === 'config:set')!));
    assert.match(one.stdout, /^Usage: berth config:set <app> <KEY=VALUE>\.\.\. \[--no-restart\]/);
    assert.equal((await run(['help', 'config'], ENV)).stdout, renderVerbHelp(verbs.find((v) => v.name === 'config:show')!));
  });

  it('suggests the closest verb for an unknown one and exits 1', async () => {
    assert.equal(closest('apps:lst', verbs.map((v) => v.name)), 'apps:list');
    assert.equal(closest('confg:set', verbs.map((v) => v.name)), 'config:set');
    assert.equal(closest('xyzzy', verbs.map((v) => v.name)), undefined);
    const r = await run(['relases:rollback', 'web'], ENV);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^!     `relases:rollback` is not a berth verb\. Did you mean `berth releases:rollback`\?/);
  });
});

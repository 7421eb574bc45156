import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseAppJson, parseProcfile } from '../../app/manifest';
import { parseHealthChecks } from '../../app/manifest/health-checks';
import { parseScaleWords } from '../../app/processes/formation';
import { containerName, imageRepo, slotOf } from '../../app/naming';
import { assertAppName } from '../../app/apps';
import { repoPath } from '../../app/infra/git/repo-paths';
import { validateAppName } from '../../app/infra/nginx/validate';

/** The one app-name rule (app/naming): what apps:create refuses, git's repo paths and nginx's config refuse too. */
describe('app names: one rule for apps, git and nginx', () => {
  it('every check accepts and refuses the same names', () => {
    const names = ['web', 'my-app-2', 'a', 'a'.repeat(63), 'bad-', 'Bad', '1app', 'a_b', 'a'.repeat(64), '', '../x'];
    const ok = (fn: () => unknown) => { try { fn(); return true; } catch { return false; } };
    const verdicts = names.map((n) => [n, ok(() => assertAppName(n)), ok(() => repoPath('/repos', n)), ok(() => validateAppName(n))]);
    assert.deepEqual(verdicts, names.map((n, i) => [n, i < 4, i < 4, i < 4]));
  });
});

/** The one process-type rule (app/naming/process-type.ts): the Procfile, app.json and ps:scale accept and refuse alike. */
describe('process types: one rule for the Procfile, app.json and ps:scale', () => {
  it('every check accepts and refuses the same types', () => {
    const types = ['web', 'worker-2', 'a', 'a'.repeat(30), 'a'.repeat(31), 'Web', '2web', 'web_1', '-web', 'w.1'];
    const ok = (fn: () => unknown) => { try { fn(); return true; } catch { return false; } };
    const verdicts = types.map((t) => [t,
      ok(() => parseProcfile(`${t}: run`)),
      ok(() => parseAppJson(JSON.stringify({ formation: { [t]: { quantity: 1 } } }))),
      ok(() => parseHealthChecks({ [t]: [] })),
      ok(() => parseScaleWords([`${t}=1`]))]);
    assert.deepEqual(verdicts, types.map((t, i) => [t, i < 4, i < 4, i < 4, i < 4]));
  });

  it('no file of app/ but app/naming spells the rule itself', () => {
    const APP = path.resolve(__dirname, '../../../app');
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const spelled = files(APP).filter((f) => fs.readFileSync(f, 'utf8').includes('[a-z][a-z0-9-]{0,29}')).map((f) => path.relative(APP, f));
    assert.deepEqual(spelled, ['naming/process-type.ts']);
  });
});

/** berth's engine names (app/naming/container-names.ts): labels, container names and image repos are spelled there only. */
describe('engine names: one place for labels, container names and the image repo', () => {
  it('no file of app/ but app/naming spells a berth container label', () => {
    const APP = path.resolve(__dirname, '../../../app');
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const spelled = files(APP).filter((f) => /['"]berth\.(app|process|release|scope|deploy)['"]/.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(APP, f));
    assert.deepEqual(spelled, ['naming/container-names.ts']);
  });

  it('a container name carries app, process and slot; slotOf reads the slot back', () => {
    const name = containerName('shop', 'web', 2, 'abc123');
    assert.deepEqual([name, slotOf(name), slotOf('berth.shop.web'), imageRepo('shop')], ['berth.shop.web.2.abc123', 2, 0, 'berth/shop']);
  });
});

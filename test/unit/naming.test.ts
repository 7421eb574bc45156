import assert from 'node:assert/strict';
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

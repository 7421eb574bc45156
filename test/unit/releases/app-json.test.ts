import assert from 'node:assert/strict';
import { parseAppJson, EMPTY_APP_JSON } from '../../../app/releases/app-json';
import { normalizeSchedule } from '../../../app/cron/schedule';
import { BerthError } from '../../../app/errors';

const invalid = (text: string, pattern: RegExp) => assert.throws(() => parseAppJson(text), (e: unknown) => {
  assert.ok(e instanceof BerthError);
  assert.equal(e.code, 'INVALID_APP_JSON');
  assert.match(e.message, pattern);
  return true;
});

describe('app.json', () => {
  it('absent or empty means nothing special', () => {
    assert.deepEqual(parseAppJson(null), EMPTY_APP_JSON);
    assert.deepEqual(parseAppJson('  '), EMPTY_APP_JSON);
    assert.deepEqual(parseAppJson('{"name":"x","env":{}}'), EMPTY_APP_JSON);
  });

  it('maps dokku startup checks to one health check spec', () => {
    const parsed = parseAppJson(JSON.stringify({
      healthchecks: { web: [
        { type: 'startup', name: 'up', path: '/health', content: 'ok', timeout: 2, attempts: 3, wait: 1, initialDelay: 4 },
        { type: 'liveness', path: '/live' },
      ], worker: [] },
    }));
    assert.deepEqual(parsed.healthCheck, { path: '/health', content: 'ok', timeoutSeconds: 3 * 2 + 2 * 1, waitSeconds: 4 });
    assert.deepEqual(parseAppJson('{"healthchecks":{"web":[{"path":"/"}]}}').healthCheck,
      { path: '/', content: null, timeoutSeconds: 5 * 5 + 4 * 5, waitSeconds: 0 });
  });

  it('reads deploy scripts and cron entries', () => {
    const parsed = parseAppJson(JSON.stringify({
      scripts: { dokku: { predeploy: 'migrate', postdeploy: 'notify' } },
      cron: [{ command: 'echo a', schedule: '*/5 * * * *' }, { name: 'nightly', command: 'backup', schedule: '@daily' }],
    }));
    assert.equal(parsed.predeploy, 'migrate');
    assert.equal(parsed.postdeploy, 'notify');
    assert.deepEqual(parsed.cron, [
      { name: '1', command: 'echo a', schedule: '*/5 * * * *' },
      { name: 'nightly', command: 'backup', schedule: '0 0 * * *' },
    ]);
  });

  it('says clearly what is wrong', () => {
    invalid('{nope', /not valid JSON/);
    invalid('[]', /top level must be an object/);
    invalid('{"healthchecks":{"web":{"path":"/"}}}', /healthchecks\.web must be a list/);
    invalid('{"healthchecks":{"web":[{"path":"health"}]}}', /healthchecks\.web\[0\]\.path must start with \//);
    invalid('{"healthchecks":{"web":[{"attempts":0}]}}', /attempts must be a number from 1/);
    invalid('{"healthchecks":{"web":[{"command":["true"]}]}}', /command checks are not supported/);
    invalid('{"healthchecks":{"web":[{"path":"/a"},{"path":"/b"}]}}', /2 startup checks/);
    invalid('{"scripts":{"dokku":{"predeploy":3}}}', /scripts\.dokku\.predeploy must be a string/);
    invalid('{"cron":{"command":"x"}}', /cron must be a list/);
    invalid('{"cron":[{"schedule":"* * * * *"}]}', /cron\[0\]\.command is missing/);
    invalid('{"cron":[{"command":"x","schedule":"* * * *"}]}', /cron\[0\]\.schedule .* has 4 fields/);
    invalid('{"cron":[{"command":"x","schedule":"61 * * * *"}]}', /"61" is not a minute/);
    invalid('{"cron":[{"command":"x","schedule":"* * * * *","name":"a"},{"command":"y","schedule":"* * * * *","name":"a"}]}', /used twice/);
  });

  it('checks 5-field cron schedules', () => {
    for (const ok of ['* * * * *', '*/15 0-6,22 1 jan-mar mon-fri', '5 4 * * 7', '0 12 1,15 * *', '@hourly']) assert.doesNotThrow(() => normalizeSchedule(ok), ok);
    for (const bad of ['', '* * * * * *', '*/0 * * * *', '5-2 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', 'a b c d e']) {
      assert.throws(() => normalizeSchedule(bad), Error, bad);
    }
  });
});

import assert from 'node:assert/strict';
import { parseAppJson, EMPTY_MANIFEST, gatingChecks, livenessChecks, DEFAULT_WEB_CHECK } from '../../../app/manifest';
import { normalizeSchedule } from '../../../app/manifest/cron-schedule';
import { BerthError } from '../../../app/errors';

const invalid = (text: string, pattern: RegExp) => assert.throws(() => parseAppJson(text), (e: unknown) => {
  assert.ok(e instanceof BerthError);
  assert.equal(e.code, 'INVALID_APP_JSON');
  assert.match(e.message, pattern);
  return true;
});

describe('app.json', () => {
  it('absent or empty means nothing special', () => {
    assert.deepEqual(parseAppJson(null), EMPTY_MANIFEST);
    assert.deepEqual(parseAppJson('  '), EMPTY_MANIFEST);
    assert.deepEqual(parseAppJson('{"name":"x","env":{}}'), EMPTY_MANIFEST);
  });

  it('reads dokku checks for every process type, with dokku defaults', () => {
    const parsed = parseAppJson(JSON.stringify({
      healthchecks: { web: [
        { type: 'startup', name: 'up', path: '/health', content: 'ok', timeout: 2, attempts: 3, wait: 1, initialDelay: 4 },
        { type: 'liveness', path: '/live', port: 8080 },
        { type: 'readiness', command: 'test -f /tmp/ready', warn: true },
      ], worker: [{ command: ['/bin/check', '--fast'] }], other: [] },
    }));
    assert.deepEqual(parsed.healthchecks.web[0], {
      type: 'startup', name: 'up', path: '/health', command: null, port: null, content: 'ok',
      attempts: 3, wait: 1, timeout: 2, initialDelay: 4, warn: false,
    });
    assert.deepEqual(parsed.healthchecks.web[1], {
      type: 'liveness', name: 'liveness-2', path: '/live', command: null, port: 8080, content: null,
      attempts: 5, wait: 5, timeout: 5, initialDelay: 0, warn: false,
    });
    assert.deepEqual(parsed.healthchecks.web[2].command, ['/bin/sh', '-c', 'test -f /tmp/ready']);
    assert.equal(parsed.healthchecks.web[2].path, null);
    assert.equal(parsed.healthchecks.web[2].warn, true);
    assert.deepEqual(parsed.healthchecks.worker[0].command, ['/bin/check', '--fast']);
    assert.deepEqual(Object.keys(parsed.healthchecks), ['web', 'worker']);
    assert.deepEqual(gatingChecks(parsed, 'web').map((c) => c.name), ['up', 'readiness-3']);
    assert.deepEqual(livenessChecks(parsed, 'web').map((c) => c.name), ['liveness-2']);
    assert.deepEqual(gatingChecks(parsed, 'worker').map((c) => c.name), ['startup-1']);
    // web without a startup check gets berth's default; other types get none.
    assert.deepEqual(gatingChecks(EMPTY_MANIFEST, 'web'), [DEFAULT_WEB_CHECK]);
    assert.deepEqual(gatingChecks(EMPTY_MANIFEST, 'worker'), []);
  });

  it('reads JSON with comments and trailing commas, as dokku does', () => {
    const parsed = parseAppJson(`{
      // the deploy scripts
      "scripts": { "dokku": { "predeploy": "touch /tmp/pre", /* block */ "postdeploy": "true", }, },
      "formation": { "web": { "quantity": 2 }, "worker": 1, "clock": { "max_parallel": 1 }, },
    }`);
    assert.equal(parsed.predeploy, 'touch /tmp/pre');
    assert.equal(parsed.postdeploy, 'true');
    assert.deepEqual(parsed.formation, { web: 2, worker: 1 });
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
    invalid('{nope', /not valid JSON \(InvalidSymbol at line 1, column 2\)/);
    invalid('{\n  "a": 1\n  "b": 2\n}', /not valid JSON \(CommaExpected at line 3, column 3\)/);
    invalid('[]', /top level must be an object/);
    invalid('{"healthchecks":{"web":{"path":"/"}}}', /healthchecks\.web must be a list/);
    invalid('{"healthchecks":{"web":[{"path":"health"}]}}', /healthchecks\.web\[0\]\.path must start with \//);
    invalid('{"healthchecks":{"web":[{"attempts":0}]}}', /attempts must be a number from 1/);
    invalid('{"healthchecks":{"web":[{"command":["true"],"path":"/"}]}}', /has both path and command/);
    invalid('{"healthchecks":{"web":[{"command":[]}]}}', /command must be a non-empty string or a list/);
    invalid('{"healthchecks":{"web":[{"port":70000}]}}', /port must be a port number/);
    invalid('{"healthchecks":{"web":[{"path":"/a"},{"path":"/b","name":"startup-1"}]}}', /two checks named "startup-1"/);
    invalid('{"healthchecks":{"web":[{"pth":"/a"}]}}', /unknown key pth/);
    invalid('{"healthchecks":{"Web!":[]}}', /not a process type name/);
    invalid('{"formation":{"web":{"quantity":51}}}', /formation\.web\.quantity must be a whole number from 0 to 50/);
    invalid('{"formation":{"web":50,"a":50,"b":1}}', /formation asks for 101 containers in all; berth runs at most 100 per app/);
    invalid('{"formation":{"web":-1}}', /formation\.web\.quantity/);
    invalid('{"scripts":{"dokku":{"predeploy":3}}}', /scripts\.dokku\.predeploy must be a string/);
    invalid('{"cron":{"command":"x"}}', /cron must be a list/);
    invalid('{"cron":[{"schedule":"* * * * *"}]}', /cron\[0\]\.command is missing/);
    invalid('{"cron":[{"command":"x","schedule":"* * * *"}]}', /cron\[0\]\.schedule .* has 4 fields/);
    invalid('{"cron":[{"command":"x","schedule":"61 * * * *"}]}', /"61 \* \* \* \*" is not a valid schedule \(minute hour day-of-month month day-of-week\): Constraint error, got value 61 expected range 0-59/);
    invalid('{"cron":[{"command":"x","schedule":"* * * * *","name":"a"},{"command":"y","schedule":"* * * * *","name":"a"}]}', /used twice/);
  });

  it('a file nested too deeply is INVALID_APP_JSON, not a stack overflow', () => {
    assert.throws(() => parseAppJson('['.repeat(1_000_000)), (e: unknown) => e instanceof BerthError && e.code === 'INVALID_APP_JSON' && e.message === 'app.json: nested too deeply to read');
  });

  it('checks 5-field cron schedules', () => {
    for (const ok of ['* * * * *', '*/15 0-6,22 1 jan-mar mon-fri', '5 4 * * 7', '0 12 1,15 * *', '@hourly']) assert.doesNotThrow(() => normalizeSchedule(ok), ok);
    for (const bad of ['', '* * * * * *', '*/0 * * * *', '5-2 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', 'a b c d e']) {
      assert.throws(() => normalizeSchedule(bad), Error, bad);
    }
    assert.equal(normalizeSchedule(' @Daily '), '0 0 * * *');
    assert.equal(normalizeSchedule('5  4 * *   7'), '5 4 * * 7');
  });

  it('refuses a schedule BullMQ\'s parser (cron-parser) cannot run, such as 31 February, before the release', () => {
    // A hand-written check took it, and BullMQ's job scheduler then failed when the release went live.
    assert.throws(() => normalizeSchedule('0 0 31 2 *'), {
      message: '"0 0 31 2 *" is not a valid schedule (minute hour day-of-month month day-of-week): Invalid explicit day of month definition',
    });
    assert.throws(() => normalizeSchedule('0 0 * * * *'), {
      message: '"0 0 * * * *" has 6 fields; a schedule has 5: minute hour day-of-month month day-of-week',
    });
  });
});

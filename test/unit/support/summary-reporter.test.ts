import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const MOCHA = path.join(ROOT, 'node_modules/mocha/bin/mocha.js');
const REPORTER = path.join(ROOT, 'test/support/summary-reporter.js');

/**
 * test/run.sh's reporter fails a run that skipped a test BERTH_ALLOW_SKIP does not name: a skip
 * proves nothing, so mocha's own exit code (0 for skips) must not pass it silently.
 */
describe('summary reporter: a skipped test fails the run unless BERTH_ALLOW_SKIP names it', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-skips-'));
    fs.writeFileSync(path.join(dir, 'spec.js'), `
const { skipBecause } = require(${JSON.stringify(path.join(ROOT, 'dist/test/support/skip.js'))});
describe('fixture', function () {
  it('passes', () => {});
  describe('needs a thing outside the project', function () {
    before(function () { skipBecause(this, 'the outside thing is missing'); });
    it('would check it', () => {});
  });
  it('skips without a reason', function () { this.skip(); });
});
`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (allow?: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.BERTH_ALLOW_SKIP;
    if (allow !== undefined) env.BERTH_ALLOW_SKIP = allow;
    const r = spawnSync(process.execPath, [MOCHA, '--reporter', REPORTER, path.join(dir, 'spec.js')], { encoding: 'utf8', env });
    return { code: r.status, out: r.stdout };
  };

  it('counts each unallowed skip into the exit code and names it with its reason', () => {
    const r = run();
    assert.equal(r.code, 2, r.out);
    assert.ok(r.out.includes('  2) fixture needs a thing outside the project would check it: the outside thing is missing\n'), r.out);
    assert.ok(r.out.includes('  1) fixture skips without a reason: no reason given (it.skip, an it() without a body, or this.skip())\n'), r.out);
    assert.ok(r.out.includes('  2 skipped test(s) not named by BERTH_ALLOW_SKIP: the run fails.\n'), r.out);
    assert.ok(r.out.endsWith('tests: 1 passed, 0 failed, 2 skipped\n'), r.out);
  });

  it('lets the skips BERTH_ALLOW_SKIP names pass (by a word of the reason or the title), and only those', () => {
    const one = run('OUTSIDE THING');
    assert.equal(one.code, 1, one.out);
    assert.ok(one.out.includes('would check it: the outside thing is missing (allowed by BERTH_ALLOW_SKIP)\n'), one.out);
    assert.ok(one.out.includes('  1 skipped test(s) not named by BERTH_ALLOW_SKIP: the run fails.\n'), one.out);
    const both = run('outside thing, skips without');
    assert.equal(both.code, 0, both.out);
    assert.doesNotMatch(both.out, /the run fails/);
    assert.ok(both.out.endsWith('tests: 1 passed, 0 failed, 2 skipped\n'), both.out);
  });
});

/**
 * CI's time goes mostly to set-up in before hooks (berths started, apps pushed), which mocha's own
 * output never shows: the summary ranks files by wall time with their hooks, so the slow ones can be found.
 */
describe('summary reporter: the slowest files, hooks included', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-times-'));
    // The set-up's length is what is measured, not a synchronisation.
    fs.writeFileSync(path.join(dir, 'slow.js'), `
describe('slow set-up', function () {
  before((done) => setTimeout(done, 400));
  it('a', () => {});
  it('b', () => {});
});
`);
    fs.writeFileSync(path.join(dir, 'quick.js'), "describe('quick', function () { it('c', () => {}); });\n");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists each file with its wall time, the part its hooks took and its test count, slowest first; BERTH_TEST_TIMES gets them as JSON', () => {
    const json = path.join(dir, 'times.json');
    const r = spawnSync(process.execPath, [MOCHA, '--reporter', REPORTER, path.join(dir, 'slow.js'), path.join(dir, 'quick.js')],
      { encoding: 'utf8', cwd: dir, env: { ...process.env, BERTH_TEST_TIMES: json } });
    assert.equal(r.status, 0, r.stdout);
    const listed = r.stdout.split('\n').filter((l) => / tests {2}\S+\.js$/.test(l));
    assert.deepEqual(listed.map((l) => l.split(/\s+/).slice(-3)), [['2', 'tests', 'slow.js'], ['1', 'tests', 'quick.js']], r.stdout);
    assert.match(r.stdout, /\nslowest test files \(wall time with hooks; 2 files, [\d.]+ min in all\):\n/);
    assert.ok(r.stdout.endsWith('tests: 3 passed, 0 failed, 0 skipped\n'), r.stdout);
    const times = JSON.parse(fs.readFileSync(json, 'utf8')) as Array<{ file: string; wallMs: number; hooksMs: number; tests: number }>;
    assert.deepEqual(times.map((t) => [t.file, t.tests]), [['slow.js', 2], ['quick.js', 1]]);
    assert.ok(times[0]!.hooksMs >= 390 && times[0]!.wallMs >= times[0]!.hooksMs, JSON.stringify(times));
  });
});

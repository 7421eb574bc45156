import assert from 'node:assert/strict';
import { mock } from 'node:test';
import { Progress } from '../../../app/cli';
import { Capture, run } from './cli-harness';

/**
 * The spinner's delay and frames run on node:test's mock timers, moved by hand: the assertions are
 * about what is drawn before and after the delay, not about how fast this machine is (real sleeps
 * of 5 and 40 ms around a 20 ms delay failed on a loaded machine).
 */
describe('cli spinner', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval'] }));
  afterEach(() => mock.timers.reset());

  it('appears only after the quiet delay, and is wiped before output and at the end', () => {
    const err = new Capture();
    const p = new Progress({ stream: err, enabled: true, delayMs: 20 });
    p.wait('waiting');
    mock.timers.tick(19);
    assert.equal(err.text, '', 'nothing before the delay');
    mock.timers.tick(1);
    assert.equal(err.text, '\r⠙ waiting', 'drawn once the delay passed');
    mock.timers.tick(100);
    assert.equal(err.text, '\r⠙ waiting\r⠹ waiting', 'the next frame 100 ms later');
    err.text = '';
    p.interrupt();
    assert.equal(err.text, '\r\x1b[2K', 'wiped before a line is printed');
    p.done();
    mock.timers.tick(1000);
    assert.equal(err.text, '\r\x1b[2K', 'nothing after done');
  });

  it('never draws when disabled (stdout is not a TTY)', () => {
    const err = new Capture();
    const p = new Progress({ stream: err, enabled: false, delayMs: 1 });
    p.wait('waiting');
    mock.timers.tick(1000);
    p.done();
    assert.equal(err.text, '');
  });
});

describe('cli spinner in a real run', () => {
  it('is off in a run whose stdout is a pipe', async () => {
    const r = await run(['apps:list'], { BERTH_URL: 'http://127.0.0.1:1', BERTH_TOKEN: 't' });
    assert.doesNotMatch(r.stderr, /\r/);
  });
});

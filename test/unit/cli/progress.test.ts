import assert from 'node:assert/strict';
import { Progress } from '../../../app/cli';
import { Capture, run } from './cli-harness';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('cli spinner', () => {
  it('appears only after the quiet delay, and is wiped before output and at the end', async () => {
    const err = new Capture();
    const p = new Progress({ stream: err, enabled: true, delayMs: 20 });
    p.wait('waiting');
    await sleep(5);
    assert.equal(err.text, '', 'nothing before the delay');
    await sleep(40);
    assert.match(err.text, /\r. waiting/);
    err.text = '';
    p.interrupt();
    assert.equal(err.text, '\r\x1b[2K', 'wiped before a line is printed');
    p.done();
    await sleep(40);
    assert.equal(err.text, '\r\x1b[2K', 'nothing after done');
  });

  it('never draws when disabled (stdout is not a TTY)', async () => {
    const err = new Capture();
    const p = new Progress({ stream: err, enabled: false, delayMs: 1 });
    p.wait('waiting');
    await sleep(20);
    p.done();
    assert.equal(err.text, '');
  });

  it('is off in a run whose stdout is a pipe', async () => {
    const r = await run(['apps:list'], { BERTH_URL: 'http://127.0.0.1:1', BERTH_TOKEN: 't' });
    assert.doesNotMatch(r.stderr, /\r/);
  });
});

import assert from 'node:assert/strict';
import type { LogBus } from '../../app/ports/log-bus';

export interface OpenedLogBus {
  readonly logs: LogBus;
  close(): Promise<void>;
}

/**
 * What every LogBus must do (app/ports/log-bus.ts), run against the Redis stream bus
 * (test/integration/log-bus-conformance.test.ts) and the in-memory fake
 * (test/unit/conformance/log-bus.test.ts): a pusher who follows late still sees every line.
 */
export function logBusConformance(name: string, open: () => Promise<OpenedLogBus>): void {
  describe(`log bus conformance: ${name}`, function () {
    this.timeout(20_000);
    let opened: OpenedLogBus;
    let nextId: number;
    const id = () => nextId++;
    beforeEach(async () => {
      opened = await open();
      nextId = 100_000 + Math.floor(Math.random() * 800_000);
    });
    afterEach(async () => { await opened?.close(); });

    it('replays an ended log from its first line and resolves with its outcome', async () => {
      const b = id();
      for (const l of ['-----> Building', '', 'line with  spaces and ünïcode', 'done']) await opened.logs.append(b, l);
      await opened.logs.end(b, 'failed');
      const seen: string[] = [];
      assert.equal(await opened.logs.follow(b, (l) => seen.push(l)), 'failed');
      assert.deepEqual(seen, ['-----> Building', '', 'line with  spaces and ünïcode', 'done']);
    });

    it('a follower who came early gets the lines written before and after it came, until the end', async () => {
      const b = id();
      await opened.logs.append(b, 'before');
      const seen: string[] = [];
      let wake: () => void = () => undefined;
      const following = opened.logs.follow(b, (l) => { seen.push(l); wake(); });
      const saw = (n: number) => new Promise<void>((r) => { wake = () => { if (seen.length >= n) r(); }; wake(); });
      await saw(1);
      await opened.logs.append(b, 'live 1');
      await saw(2);
      await opened.logs.append(b, 'live 2');
      await opened.logs.end(b, 'succeeded');
      assert.equal(await following, 'succeeded');
      assert.deepEqual(seen, ['before', 'live 1', 'live 2']);
    });

    it('logs of different builds stay apart', async () => {
      const [b1, b2] = [id(), id()];
      await opened.logs.append(b1, 'one');
      await opened.logs.append(b2, 'two');
      await opened.logs.end(b1, 'succeeded');
      await opened.logs.end(b2, 'cancelled');
      const one: string[] = [];
      const two: string[] = [];
      assert.deepEqual(await Promise.all([opened.logs.follow(b1, (l) => one.push(l)), opened.logs.follow(b2, (l) => two.push(l))]), ['succeeded', 'cancelled']);
      assert.deepEqual([one, two], [['one'], ['two']]);
    });

    it('an aborted follow rejects with the signal\'s reason and reads nothing more', async () => {
      const b = id();
      const ac = new AbortController();
      const seen: string[] = [];
      const following = opened.logs.follow(b, (l) => seen.push(l), ac.signal);
      const reason = new Error('the pusher went away');
      ac.abort(reason);
      await assert.rejects(following, (e) => e === reason);
      await opened.logs.append(b, 'after the abort');
      assert.deepEqual(seen, []);
      const already = new AbortController();
      already.abort(reason);
      await assert.rejects(opened.logs.follow(b, () => undefined, already.signal), (e) => e === reason);
    });
  });
}

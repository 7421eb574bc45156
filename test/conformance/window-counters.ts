import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { WindowCounters } from '../../app/ports/window-counters';
import { waitFor } from '../support/poll';

export interface OpenedCounters {
  /** Two handles on the same counters, as two berth processes (web and worker) have. */
  readonly one: WindowCounters;
  readonly two: WindowCounters;
  close(): Promise<void>;
}

/**
 * What every WindowCounters must do (app/ports/window-counters.ts; the login limiter counts with
 * it), run against Redis's counters (test/integration/window-counters-conformance.test.ts) and the
 * unit tests' InMemoryWindowCounters (test/unit/conformance/window-counters.test.ts). Windows end
 * on the wall clock, so the suite waits (polling) for a one-second window to run out.
 */
export function windowCountersConformance(name: string, open: () => Promise<OpenedCounters>): void {
  describe(`window counters conformance: ${name}`, function () {
    this.timeout(20_000);
    let c: OpenedCounters;
    const key = () => `conf-${randomBytes(4).toString('hex')}`;
    beforeEach(async () => { c = await open(); });
    afterEach(async () => { await c?.close(); });

    it('hits count up per key, seen alike by every handle; an unknown key is 0 with no window', async () => {
      const [a, b] = [key(), key()];
      assert.deepEqual(await c.one.peek(a), { count: 0, resetsInMs: 0 });
      assert.equal(await c.one.hit(a, 60), 1);
      assert.equal(await c.two.hit(a, 60), 2);
      assert.equal(await c.one.hit(b, 60), 1, 'another key counts apart');
      const seen = await c.two.peek(a);
      assert.equal(seen.count, 2);
      assert.ok(seen.resetsInMs > 0 && seen.resetsInMs <= 60_000, `resetsInMs ${seen.resetsInMs} is within the 60 s window`);
    });

    it('parallel hits are each counted once: the counts handed back are 1..n', async () => {
      const a = key();
      const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? c.one : c.two).hit(a, 60)));
      assert.deepEqual([...counts].sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('later hits never move the window\'s end; a longer window asked for later does not either', async () => {
      const a = key();
      await c.one.hit(a, 30);
      const first = (await c.one.peek(a)).resetsInMs;
      await c.two.hit(a, 30);
      await c.two.hit(a, 3600);
      const after = await c.one.peek(a);
      assert.equal(after.count, 3);
      assert.ok(after.resetsInMs <= first, `the window ends no later (${after.resetsInMs} <= ${first})`);
    });

    it('undo takes back one hit, never below 0, never starting a window, and leaves the end where it was', async () => {
      const [a, none] = [key(), key()];
      await c.one.hit(a, 60);
      await c.one.hit(a, 60);
      const before = (await c.one.peek(a)).resetsInMs;
      await c.two.undo(a);
      const once = await c.one.peek(a);
      assert.equal(once.count, 1);
      assert.ok(once.resetsInMs > 0 && once.resetsInMs <= before, 'the window still ends when it did');
      await c.two.undo(a);
      await c.two.undo(a);
      assert.equal((await c.one.peek(a)).count, 0, 'not below 0');
      assert.equal(await c.one.hit(a, 60), 1, 'the next hit counts from 0');
      await c.one.undo(none);
      assert.deepEqual(await c.one.peek(none), { count: 0, resetsInMs: 0 }, 'undo on a key never hit starts nothing');
      assert.equal(await c.one.hit(none, 60), 1);
    });

    it('clear forgets a key at once, for every handle; other keys stay', async () => {
      const [a, b] = [key(), key()];
      await c.one.hit(a, 60);
      await c.one.hit(b, 60);
      await c.two.clear(a);
      assert.deepEqual(await c.one.peek(a), { count: 0, resetsInMs: 0 });
      assert.equal((await c.one.peek(b)).count, 1);
      assert.equal(await c.one.hit(a, 60), 1);
    });

    it('when the window ends the count goes with it, and the next hit starts a new window at 1', async () => {
      const a = key();
      await c.one.hit(a, 1);
      await c.one.hit(a, 1);
      await waitFor('the one-second window to end', async () => (await c.two.peek(a)).count === 0, 10_000);
      assert.deepEqual(await c.two.peek(a), { count: 0, resetsInMs: 0 });
      assert.equal(await c.two.hit(a, 1), 1);
    });
  });
}

import assert from 'node:assert/strict';
import { alternate, MIN_ROUNDS, ratio, roundsFromEnv, spread } from '../../bench/rounds';

/**
 * test/bench/rounds.ts is what makes every side-by-side bench fair (deploy, concurrent-pushes,
 * router, build-cache): both sides each round, the order alternating, >= 5 rounds, the ratio per
 * round reported as median (min–max).
 */
describe('bench rounds: side by side, alternating, >= 5 rounds, median and spread', () => {
  it('runs both sides every round, A first in even rounds and B first in odd ones', async () => {
    const calls: string[] = [];
    const s = await alternate(5, async (r) => { calls.push(`a${r}`); return 10 + r; }, async (r) => { calls.push(`b${r}`); return 20 + r; });
    assert.deepEqual(calls, ['a0', 'b0', 'b1', 'a1', 'a2', 'b2', 'b3', 'a3', 'a4', 'b4']);
    assert.deepEqual(s, { a: [10, 11, 12, 13, 14], b: [20, 21, 22, 23, 24] }, 'samples in round order, whichever went first');
  });

  it('never runs fewer than 5 rounds, whatever BENCH_ROUNDS says', () => {
    const saved = process.env.BENCH_ROUNDS;
    try {
      for (const [env, want] of [['1', 5], ['0', 5], ['x', 5], ['7', 7]] as const) {
        process.env.BENCH_ROUNDS = env;
        assert.equal(roundsFromEnv(), want, `BENCH_ROUNDS=${env}`);
      }
      delete process.env.BENCH_ROUNDS;
      assert.equal(roundsFromEnv(), MIN_ROUNDS);
      assert.equal(roundsFromEnv(9), 9);
    } finally {
      if (saved === undefined) delete process.env.BENCH_ROUNDS; else process.env.BENCH_ROUNDS = saved;
    }
  });

  it('takes the ratio within each round and reports its median with the spread', () => {
    // Per round: 2, 1, 4, 1.5, 3 -> median 2, spread 1–4 (a ratio of medians would be 12/7).
    const r = ratio({ a: [4, 10, 8, 3, 12], b: [2, 10, 2, 2, 4] });
    assert.equal(r.median, 2);
    assert.equal(r.text, '2.00 (1.00–4.00)');
    assert.equal(spread([3, 1, 2, 9, 5], 1), '3.0 (1.0–9.0)');
  });
});

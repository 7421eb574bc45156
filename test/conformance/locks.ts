import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { LockService } from '../../app/ports/lock';

export interface OpenedLocks {
  /** Two handles on the same locks, as two berth processes (web and worker) have. */
  readonly one: LockService;
  readonly two: LockService;
  close(): Promise<void>;
}

/**
 * What every LockService must do (app/ports/lock.ts), run against Redis's locks
 * (test/integration/locks-conformance.test.ts) and the unit tests' InMemoryLocks
 * (test/unit/conformance/locks.test.ts).
 */
export function locksConformance(name: string, open: () => Promise<OpenedLocks>): void {
  describe(`locks conformance: ${name}`, function () {
    this.timeout(20_000);
    let opened: OpenedLocks;
    const lock = () => `conf-${randomBytes(4).toString('hex')}`;
    beforeEach(async () => { opened = await open(); });
    afterEach(async () => { await opened?.close(); });

    it('a held lock is refused to every other taker until it is released; other names are free', async () => {
      const [a, b] = [lock(), lock()];
      const release = (await opened.one.tryAcquire(a))!;
      assert.equal(typeof release, 'function');
      assert.equal(await opened.two.tryAcquire(a), null);
      assert.equal(await opened.one.tryAcquire(a), null, 'not re-entrant either');
      const other = await opened.two.tryAcquire(b);
      assert.notEqual(other, null);
      await release();
      await release();
      const again = await opened.two.tryAcquire(a);
      assert.notEqual(again, null);
      await again!();
      await other!();
    });

    it('acquire waits for the holder to release, then holds the lock itself', async () => {
      const a = lock();
      const first = (await opened.one.tryAcquire(a))!;
      let got = false;
      const waiting = opened.two.acquire(a).then((r) => { got = true; return r; });
      assert.equal(await opened.one.tryAcquire(a), null);
      assert.equal(got, false);
      await first();
      const second = await waiting;
      assert.equal(await opened.one.tryAcquire(a), null, 'the waiter holds it now');
      await second();
    });

    it('acquire with waitMs gives up with INTERNAL naming the lock while it is still held', async () => {
      const a = lock();
      const held = (await opened.one.tryAcquire(a))!;
      await assert.rejects(opened.two.acquire(a, { waitMs: 200 }), { code: 'INTERNAL', message: `The lock "${a}" is still held after 200 ms; try again later.` });
      await held();
    });

    it('forceRelease frees a lock held elsewhere; the old holder\'s late release leaves the new holder\'s lock alone', async () => {
      const a = lock();
      const dead = (await opened.one.tryAcquire(a))!;
      await opened.two.forceRelease(a);
      const next = (await opened.two.tryAcquire(a))!;
      assert.notEqual(next, null);
      await dead();
      assert.equal(await opened.one.tryAcquire(a), null, 'still held by the new holder');
      await next();
    });
  });
}

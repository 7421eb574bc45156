import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { createRedisInfra, type RedisInfra } from '../../app/infra/redis';
import { LoginLimiter } from '../../app/users';
import { waitFor } from '../support/poll';

const URL = process.env.BERTH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The dashboard login limiter counts in Redis: every process, and a restarted one, sees one count. */
describe('login limiter on Redis', function () {
  this.timeout(30_000);
  const prefix = `berth-test-login-${randomBytes(4).toString('hex')}`;
  const opened: RedisInfra[] = [];
  const raw = new IORedis(URL);
  const infra = () => { const i = createRedisInfra({ url: URL, prefix }); opened.push(i); return i; };
  const limiter = (i: RedisInfra) => new LoginLimiter({ counters: i.counters, maxPerUser: 3, maxPerAddress: 5, windowSeconds: 60 });

  after(async () => {
    for (const i of opened) await i.close();
    const keys = await raw.keys(`${prefix}:*`);
    if (keys.length > 0) await raw.del(...keys);
    raw.disconnect();
  });

  it('two limiter instances (two processes) share the count, and it outlives a restart', async () => {
    const web1 = limiter(infra());
    const web2 = limiter(infra());
    // An attempt counts as a failure unless it succeeds.
    await web1.attempt('10.0.0.1', 'alice');
    await web2.attempt('10.0.0.2', 'alice');
    await web1.check('10.0.0.3', 'alice');
    await web2.attempt('10.0.0.3', 'alice');
    await assert.rejects(web1.check('10.0.0.4', 'alice'), (e: { code?: string; message: string }) =>
      e.code === 'LOGIN_RATE_LIMITED' && /try again in (59|60) s/.test(e.message));

    // A "restarted" process: new connections, no memory of its own.
    await opened[0].close();
    const restarted = limiter(infra());
    await assert.rejects(restarted.check('10.0.0.9', 'alice'), /Too many failed logins/);
    await restarted.succeeded('10.0.0.9', 'alice');
    await web2.check('10.0.0.4', 'alice');
  });

  it('counts per address across user names, in a fixed window with a TTL', async () => {
    const a = limiter(infra());
    const b = limiter(infra());
    for (const user of ['u1', 'u2', 'u3', 'u4']) await a.attempt('::ffff:127.0.0.7', user);
    await b.check('::ffff:127.0.0.7', 'u5');
    await b.attempt('::ffff:127.0.0.7', 'u5');
    await b.succeeded('::ffff:127.0.0.7', 'u5');
    await a.attempt('::ffff:127.0.0.7', 'u6');
    await assert.rejects(a.check('::ffff:127.0.0.7', 'u7'), /Too many failed logins/, 'a success neither counts nor clears the address');
    await assert.rejects(b.attempt('::ffff:127.0.0.7', 'u7'), /Too many failed logins/);
    await a.check('127.0.0.8', 'u6');

    const keys = await raw.keys(`${prefix}:counter:*`);
    assert.ok(keys.length >= 6, `one key per user name and address, got ${keys.join(', ')}`);
    for (const key of keys) {
      const ttl = await raw.pttl(key);
      assert.ok(ttl > 0 && ttl <= 60_000, `${key} expires within the window (pttl ${ttl})`);
    }
  });

  it('parallel wrong-password attempts: at most the limit reach the password check, per user name and per address', async () => {
    const prod = (i: RedisInfra) => new LoginLimiter({ counters: i.counters, maxPerUser: 10, maxPerAddress: 30, windowSeconds: 900 });
    const web = [prod(infra()), prod(infra())];
    let checked = 0;
    // As the login route does: attempt, then (when admitted) a password check that fails.
    const login = async (n: number, address: string, user: string): Promise<'checked' | 'refused'> => {
      try { await web[n % 2].attempt(address, user); } catch (e) {
        if ((e as { code?: string }).code !== 'LOGIN_RATE_LIMITED') throw e;
        return 'refused';
      }
      checked += 1;
      await new Promise((r) => setTimeout(r, 20));
      return 'checked';
    };
    const tally = (rs: string[]) => ({ checked: rs.filter((r) => r === 'checked').length, refused: rs.filter((r) => r === 'refused').length });

    // One user name from 40 addresses: the user name's limit.
    const byUser = await Promise.all(Array.from({ length: 40 }, (_, n) => login(n, `10.1.0.${n}`, 'carol')));
    assert.deepEqual(tally(byUser), { checked: 10, refused: 30 });
    assert.equal(checked, 10);
    await assert.rejects(web[0].attempt('10.1.1.1', 'carol'), /Too many failed logins/);

    // One address, 40 user names: the address's limit.
    checked = 0;
    const byAddress = await Promise.all(Array.from({ length: 40 }, (_, n) => login(n, '10.2.0.1', `dave${n}`)));
    assert.deepEqual(tally(byAddress), { checked: 30, refused: 10 });
    // Refused attempts were taken back: the address holds exactly its 30 failures.
    assert.equal((await infra().counters.peek('login-address:10.2.0.1')).count, 30);
  });

  it('a window ends and takes its count with it', async () => {
    const i = infra();
    assert.equal(await i.counters.hit('short', 1), 1);
    assert.equal(await i.counters.hit('short', 1), 2);
    assert.equal((await i.counters.peek('short')).count, 2);
    // The window is 1 s: poll until Redis has let it go, rather than sleeping past it.
    await waitFor('the 1 s window to end', async () => (await i.counters.peek('short')).count === 0, 10_000);
    assert.deepEqual(await i.counters.peek('short'), { count: 0, resetsInMs: 0 });
    assert.equal(await i.counters.hit('short', 1), 1);
  });
});

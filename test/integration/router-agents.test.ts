import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import { PublishingRouter, routerReport } from '../../app/domains';
import { createNginxRouter } from '../../app/infra/nginx';
import { RedisRouteFeed } from '../../app/infra/redis';
import { RedisKeys } from '../../app/infra/redis/keys';
import type { AppRoute } from '../../app/ports/router';
import type { RouteFeed } from '../../app/ports/route-feed';
import { freePort, freePortPair, uniqueName } from '../support/berth-process';
import { waitFor } from '../support/poll';
import { deleteRedisKeys } from '../support/redis-keys';
import { request } from './router-support';

const REDIS = process.env.BERTH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROOT = path.resolve(__dirname, '../../..');

/**
 * A router on another manager (issue 24), on one host: berth's nginx publishes through the real
 * route feed in Redis, and a real `main.js router-agent` process (its own nginx, its own ports)
 * follows it. The swarm test (swarm-nodes.test) runs the same agent in a second node's namespace.
 */
describe('router agents: every router fed the same routes', function () {
  this.timeout(120_000);
  const prefix = uniqueName('berth-test-routerfeed');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-router-agent-'));
  const redis = new IORedis(REDIS);
  const feed = new RedisRouteFeed(redis, new RedisKeys(prefix));
  const [ownHttp, ownHttps] = freePortPair();
  const nginx = createNginxRouter({ dir: path.join(home, 'berth-nginx'), nginxBin: 'nginx', httpPort: ownHttp, httpsPort: ownHttps, listenAddress: '127.0.0.1', domain: 'berth.localhost' });
  const berth = new PublishingRouter(nginx, feed, (e) => { throw e; });
  let agentHttp = 0;
  let agent: ChildProcess | null = null;
  let agentLog = '';
  let upstream: http.Server;
  let upstreamPort = 0;

  const route = (domain: string): AppRoute => ({ app: 'shop', domains: [domain], upstreams: [{ host: '127.0.0.1', port: upstreamPort }] });
  const through = async (port: number, host: string) => { const r = await request({ port, host }); return `${r.status} ${r.status === 200 ? r.text : ''}`; };

  before(async () => {
    upstream = http.createServer((_req, res) => res.end('shop answers'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamPort = (upstream.address() as { port: number }).port;
    await nginx.start();
    agentHttp = await freePort();
    const env = {
      ...process.env, BERTH_HOME: path.join(home, 'agent'), BERTH_ROUTER_PORT: String(agentHttp), BERTH_ROUTER_HTTPS_PORT: String(await freePort()),
      REDIS_URL: REDIS, BERTH_REDIS_PREFIX: prefix, BERTH_ROUTER_AGENT_NAME: 'mgr2', BERTH_ROUTER_AGENT_ADDRESS: '127.0.0.1', BERTH_DOMAIN: 'berth.localhost',
      DOCKER_SOCKET: path.join(home, 'no-docker.sock'), // no swarm here: the agent reports no node
    };
    fs.mkdirSync(env.BERTH_HOME, { recursive: true });
    agent = spawn(process.execPath, [path.join(ROOT, 'dist/app/main.js'), 'router-agent'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout!.on('data', (c: Buffer) => { agentLog += c.toString(); });
    agent.stderr!.on('data', (c: Buffer) => { agentLog += c.toString(); });
  });

  after(async () => {
    if (agent && agent.exitCode === null) {
      agent.kill('SIGTERM');
      await new Promise((r) => agent!.once('exit', r));
    }
    await nginx.stop();
    upstream?.close();
    await deleteRedisKeys(REDIS, prefix);
    await redis.quit();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('a route berth applies answers through the agent\'s router too, and the agent reports the version', async () => {
    await berth.apply(route('shop.example.test'));
    assert.equal(await through(ownHttp, 'shop.example.test'), '200 shop answers');
    await waitFor(`the agent's router serving shop (agent log: ${agentLog})`, async () => (await through(agentHttp, 'shop.example.test').catch(() => '')) === '200 shop answers', 30_000);
    const report = await waitFor('the agent reporting version 1', async () => {
      const r = await routerReport(feed);
      return r.routers.length === 1 && r.routers[0].version === 1 ? r : null;
    }, 10_000);
    assert.deepEqual(report!.routers.map((a) => [a.name, a.nodeId, a.address, a.version, a.state, a.failures, a.problem]), [['mgr2', null, '127.0.0.1', 1, 'current', [], null]]);
  });

  it('a domain change reaches both routers (the old name answers 404 on both); the same route again makes no new version', async () => {
    await berth.apply(route('new.example.test'));
    assert.equal((await feed.head()).version, 2);
    await waitFor('the agent serving the new domain', async () => (await through(agentHttp, 'new.example.test')) === '200 shop answers', 10_000);
    for (const port of [ownHttp, agentHttp]) {
      assert.equal(await through(port, 'new.example.test'), '200 shop answers');
      assert.equal(await through(port, 'shop.example.test'), '404 ');
    }
    await berth.apply(route('new.example.test')); // the reconciler's pass
    assert.equal((await feed.head()).version, 2);
  });

  it('a removal whose publish failed (Redis away) reaches the agent with the next pass: berth\'s router lists the feed\'s apps, and the pass removes them', async () => {
    // app:destroy while Redis blinks: berth's nginx drops shop, the feed keeps it, and so did every agent, for good.
    const away: RouteFeed = Object.assign(Object.create(feed) as RouteFeed, { publish: async () => { throw new Error('connect ECONNREFUSED'); } });
    await new PublishingRouter(nginx, away, () => undefined).remove('shop');
    assert.deepEqual([await through(ownHttp, 'new.example.test'), await through(agentHttp, 'new.example.test'), await feed.apps()], ['404 ', '200 shop answers', ['shop']]);
    const known = new Set<string>(); // the reconciler's pass (reconciler.ts): what the router lists and berth does not know goes
    for (const app of await berth.listApps()) if (!known.has(app)) await berth.remove(app);
    assert.deepEqual([(await feed.head()).version, await feed.apps()], [3, []]);
    await waitFor('the agent no longer serving the removed app', async () => (await through(agentHttp, 'new.example.test')) === '404 ', 10_000);
  });

  it('an agent that stops looking is reported silent, with what to do', async () => {
    agent!.kill('SIGTERM');
    await new Promise((r) => agent!.once('exit', r));
    const row = (await routerReport(feed, () => Date.now() + 20_000)).routers[0];
    assert.equal(row.state, 'silent');
    assert.match(row.problem ?? '', /^router mgr2 \(127\.0\.0\.1\) has not reported for 2\d s; it serves version 3 of 3 at most\. Its agent is down or cannot reach berth's Redis: start it again on its manager/);
  });
});

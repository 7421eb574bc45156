import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Where in app/ a pattern occurs: `file: count`. */
function sites(pattern: RegExp): string[] {
  return sources(path.join(ROOT, 'app')).flatMap((f) => {
    const n = [...fs.readFileSync(f, 'utf8').matchAll(pattern)].length;
    return n ? [`${path.relative(path.join(ROOT, 'app'), f)}: ${n}`] : [];
  });
}

/**
 * Issue 18: one dockerode client and one Redis connection set per berth process, built once in
 * the composition root and handed to every adapter (engine, swarm engine, service engine,
 * registry; build queue, cron, locks, logs, counters).
 */
describe('one dockerode client and one Redis connection set, built once', () => {
  it('a dockerode client is made in one place (infra/docker/docker-client.ts), and app/boot makes exactly one', () => {
    assert.deepEqual(sites(/new\s+(?:Docker|Dockerode|DockerClient)\s*\(/g), ['infra/docker/docker-client.ts: 1']);
    // The router agent (`main.js router-agent`) is a process of its own: one client there too.
    assert.deepEqual(sites(/createDockerClient\(/g).filter((s) => s.startsWith('boot/')), ['boot/create-berth.ts: 1', 'boot/router-agent-boot.ts: 1']);
    // Every adapter in the root gets that client, none a socket of its own to make another from.
    assert.deepEqual(sites(/socketPath|dockerSocket/g).filter((s) => s.startsWith('boot/')), ['boot/create-berth.ts: 1', 'boot/router-agent-boot.ts: 1']);
  });

  it('Redis connections are opened by createRedisInfra only, which app/boot calls once; cron shares its BullMQ connection', () => {
    assert.deepEqual(sites(/new\s+IORedis\s*\(/g), ['infra/redis/connections.ts: 1']);
    assert.deepEqual(sites(/createRedisInfra\(/g).filter((s) => s.startsWith('boot/')), ['boot/create-berth.ts: 1']);
    // The router agent's process opens one connection, for the route feed alone (openRouteFeed).
    assert.deepEqual(sites(/createBullCronScheduler\(|new\s+BullCronScheduler\(|openConnection\(|redisUrl/g).filter((s) => s.startsWith('boot/')),
      ['boot/create-berth.ts: 1', 'boot/router-agent-boot.ts: 1']);
    assert.deepEqual(sites(/openRouteFeed\(/g), ['boot/router-agent-boot.ts: 1', 'infra/redis/index.ts: 1']);
    const infra = fs.readFileSync(path.join(ROOT, 'app/infra/redis/index.ts'), 'utf8');
    assert.match(infra, /new BullCronScheduler\(\{[^}]*connection: bullConnection/);
  });
});

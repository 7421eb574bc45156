import type { Redis } from 'ioredis';
import type { AppRoute } from '../../ports/router';
import type { PublishedRoutes, RouteFeed, RouterAgentState } from '../../ports/route-feed';
import type { RedisKeys } from './keys';

// Compare and set in one step: a route that did not change (the reconciler applies every app on
// each pass) must not make a new version, or every router would reload for nothing.
const PUBLISH = `local old = redis.call('HGET', KEYS[2], ARGV[1])
if (ARGV[2] == '' and not old) or old == ARGV[2] then return tonumber(redis.call('GET', KEYS[1]) or '0') end
if ARGV[2] == '' then redis.call('HDEL', KEYS[2], ARGV[1]) else redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) end
redis.call('SET', KEYS[3], ARGV[3])
return redis.call('INCR', KEYS[1])`;

/**
 * The route feed in Redis: a version counter, its time, and a hash app → route (JSON, certificates
 * included: only berth and the router agents on the managers reach this Redis; docs/security.md).
 */
export class RedisRouteFeed implements RouteFeed {
  constructor(private readonly redis: Redis, private readonly keys: RedisKeys, private readonly now: () => number = Date.now) {}

  async publish(app: string, route: AppRoute | null): Promise<number> {
    const k = (p: 'version' | 'published-at' | 'routes') => this.keys.routeFeed(p);
    const text = route === null ? '' : JSON.stringify(route);
    return Number(await this.redis.eval(PUBLISH, 3, k('version'), k('routes'), k('published-at'), app, text, String(this.now())));
  }

  async head(): Promise<{ version: number; publishedAt: number }> {
    const [v, at] = await this.redis.mget(this.keys.routeFeed('version'), this.keys.routeFeed('published-at'));
    return { version: Number(v ?? 0), publishedAt: Number(at ?? 0) };
  }

  async current(): Promise<PublishedRoutes> {
    // One MULTI: the routes and the version they make up are read together.
    const res = (await this.redis.multi()
      .get(this.keys.routeFeed('version')).get(this.keys.routeFeed('published-at')).hgetall(this.keys.routeFeed('routes'))
      .exec()) as [[unknown, string | null], [unknown, string | null], [unknown, Record<string, string>]];
    const routes: Record<string, AppRoute> = {};
    for (const [app, text] of Object.entries(res[2][1])) routes[app] = JSON.parse(text) as AppRoute;
    return { version: Number(res[0][1] ?? 0), publishedAt: Number(res[1][1] ?? 0), routes };
  }

  async apps(): Promise<string[]> {
    return (await this.redis.hkeys(this.keys.routeFeed('routes'))).sort();
  }

  async report(state: RouterAgentState): Promise<void> {
    await this.redis.hset(this.keys.routeFeed('agents'), state.name, JSON.stringify(state));
  }

  async agents(): Promise<RouterAgentState[]> {
    const all = await this.redis.hgetall(this.keys.routeFeed('agents'));
    return Object.values(all).map((t) => JSON.parse(t) as RouterAgentState).sort((a, b) => a.name.localeCompare(b.name));
  }

  async forget(name: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.routeFeed('agents'), name)) > 0;
  }
}

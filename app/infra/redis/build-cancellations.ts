import type { Redis } from 'ioredis';
import { closeConnection, duplicateConnection } from './connections';
import type { RedisKeys } from './keys';

/** Long enough for any queued build to reach its turn. */
const FLAG_TTL_S = 3600;

/**
 * Cancel requests that cross processes: a flag (seen by a build when its turn comes) plus a
 * message (seen by the worker running it right now).
 */
export class BuildCancellations {
  private subscriber: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Flag first, then publish: a build either sees the flag when it starts or gets the message. */
  async request(buildId: number): Promise<void> {
    await this.redis.set(this.keys.cancelFlag(buildId), '1', 'EX', FLAG_TTL_S);
    await this.redis.publish(this.keys.cancelChannel(), String(buildId));
  }

  async isRequested(buildId: number): Promise<boolean> {
    return (await this.redis.exists(this.keys.cancelFlag(buildId))) === 1;
  }

  async clear(buildId: number): Promise<void> {
    await this.redis.del(this.keys.cancelFlag(buildId));
  }

  /** Resolves once subscribed, so no request made afterwards is missed. */
  async listen(onCancel: (buildId: number) => void): Promise<void> {
    if (this.subscriber) throw new Error('BuildCancellations.listen called twice');
    const sub = duplicateConnection(this.redis, this.onError);
    this.subscriber = sub;
    const channel = this.keys.cancelChannel();
    sub.on('message', (ch: string, message: string) => {
      if (ch === channel) onCancel(Number(message));
    });
    await sub.subscribe(channel);
  }

  async close(): Promise<void> {
    if (this.subscriber) await closeConnection(this.subscriber);
    this.subscriber = undefined;
  }
}

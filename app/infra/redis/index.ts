import type { BuildQueue } from '../../ports/build-queue';
import type { LockService } from '../../ports/lock';
import type { LogBus } from '../../ports/log-bus';
import type { WindowCounters } from '../../ports/window-counters';
import { AppFifo } from './app-fifo';
import { BuildCancellations } from './build-cancellations';
import type { CronScheduler } from '../../ports/cron-scheduler';
import { BullBuildQueue } from './bull-build-queue';
import { BullCronScheduler } from './bull-cron-scheduler';
import { BullNotificationQueue } from './bull-notification-queue';
import type { NotificationQueue } from '../../ports/notifications';
import { closeConnection, openConnection, pingConnection } from './connections';
import { RedisKeys } from './keys';
import { RedisLockService } from './redis-lock-service';
import { RedisLogBus } from './redis-log-bus';
import { RedisWindowCounters } from './redis-window-counters';
import { RedisRouteFeed } from './redis-route-feed';
import type { RouteFeed } from '../../ports/route-feed';

export interface RedisInfraOptions {
  /** e.g. redis://127.0.0.1:6379 */
  readonly url: string;
  /** Every key lives under it (BullMQ's too), so several berths can share one Redis. */
  readonly prefix: string;
  /** Told about background errors (lost connections, worker errors); default: printed to stderr. */
  readonly onError?: (err: Error) => void;
  /** Notification deliveries: tries per delivery and the first retry's wait (doubling after). Default 6 tries from 5 s. */
  readonly notifications?: { readonly attempts: number; readonly backoffMs: number };
}

export interface RedisInfra {
  readonly queue: BuildQueue;
  readonly logs: LogBus;
  readonly locks: LockService;
  /** Fixed-window counters (failed dashboard logins). */
  readonly counters: WindowCounters;
  /** app.json cron on BullMQ job schedulers, over the same BullMQ connection as the build queue. */
  readonly cron: CronScheduler;
  /** Notification deliveries on their own BullMQ queue, retried with exponential backoff (same BullMQ connection). */
  notificationQueue<E>(): NotificationQueue<E>;
  /** The TCP port Redis listens on (no notification target nor log drain may name it on this host). */
  readonly port: number;
  /** Scheduled service backups (app/backups): the same job schedulers on a queue of their own. */
  readonly backupCron: CronScheduler;
  /** The versioned route table the router agents on the managers follow (docs/scaling.md). */
  readonly routeFeed: RouteFeed;
  /** Throws BerthError REDIS_UNAVAILABLE when Redis does not answer within 2 s. */
  ping(): Promise<void>;
  /** Waits for running builds, then closes every connection. */
  close(): Promise<void>;
}

/**
 * berth's one Redis connection set: one connection for commands (locks, log streams, counters,
 * queue order) and one for BullMQ (build queue and cron; BullMQ duplicates it for its workers' blocking reads).
 */
export function createRedisInfra(options: RedisInfraOptions): RedisInfra {
  const onError = options.onError ?? ((err: Error) => console.error(`berth: redis: ${err.message}`));
  const keys = new RedisKeys(options.prefix);
  const redis = openConnection({ url: options.url, onError });
  const bullConnection = openConnection({ url: options.url, onError, maxRetriesPerRequest: null });

  const locks = new RedisLockService(redis, keys);
  const logs = new RedisLogBus(redis, keys, onError);
  const queue = new BullBuildQueue({
    bullConnection,
    prefix: options.prefix,
    fifo: new AppFifo(redis, keys),
    cancellations: new BuildCancellations(redis, keys, onError),
    locks,
    onError,
  });

  const cron = new BullCronScheduler({ url: options.url, prefix: options.prefix, onError, connection: bullConnection });
  const notifications = new BullNotificationQueue<unknown>({
    bullConnection, prefix: options.prefix, attempts: options.notifications?.attempts ?? 6, backoffMs: options.notifications?.backoffMs ?? 5000,
    concurrency: 4, onError,
  });
  const backupCron = new BullCronScheduler({ url: options.url, prefix: options.prefix, onError, connection: bullConnection, queueName: 'service-backups' });

  let closing: Promise<void> | undefined;
  return {
    queue,
    logs,
    locks,
    cron,
    // The queue carries whatever the domain hands it (its typed events): one instance, typed by the caller.
    notificationQueue: <E>() => notifications as unknown as NotificationQueue<E>,
    backupCron,
    counters: new RedisWindowCounters(redis, keys),
    routeFeed: new RedisRouteFeed(redis, keys),
    port: Number(new URL(options.url).port || 6379),
    ping: () => pingConnection(redis, options.url),
    close: () =>
      (closing ??= (async () => {
        await cron.close();
        await notifications.close();
        await backupCron.close();
        await queue.close();
        await logs.close();
        locks.close();
        await closeConnection(bullConnection);
        await closeConnection(redis);
      })()),
  };
}

/** The route feed alone, for a router agent (app/boot/router-agent-boot.ts): one connection, no queues. */
export function openRouteFeed(options: Pick<RedisInfraOptions, 'url' | 'prefix' | 'onError'>): { feed: RouteFeed; close(): Promise<void> } {
  const onError = options.onError ?? ((err: Error) => console.error(`berth: redis: ${err.message}`));
  const redis = openConnection({ url: options.url, onError });
  return { feed: new RedisRouteFeed(redis, new RedisKeys(options.prefix)), close: () => closeConnection(redis) };
}

export { BullBuildQueue } from './bull-build-queue';
export { RedisLogBus } from './redis-log-bus';
export { RedisLockService } from './redis-lock-service';
export { RedisWindowCounters } from './redis-window-counters';
export { RedisRouteFeed } from './redis-route-feed';
export { BullCronScheduler, createBullCronScheduler } from './bull-cron-scheduler';

import { definePlugin } from '../../app/plugins';
import { requireSuccess } from '../../app/services-kit';
import { checkRestore, verifyRestore } from './verify';

/** Redis: exports an RDB snapshot; import puts it in place and restarts (the image's entrypoint loads it). */
export default definePlugin({
  register(ctx) {
    ctx.services.register({
      port: 6379,
      envAlias: 'REDIS_URL',
      scheme: 'redis',
      dataDir: '/var/lib/berth/data',
      containerEnv: (c) => ({ REDIS_PASSWORD: c.password }),
      // Redis has one password and numbered databases: redis://:password@host:6379/0
      connectionUrl: ({ host, port, credentials }) => `redis://:${encodeURIComponent(credentials.password)}@${host}:${port}/0`,
      readyCommand: () => ['sh', '-c', 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli ping | grep -q PONG'],
      // The password from the container's env, not on a command line (redis-cli warns about -a).
      connectCommand: () => ['sh', '-c', 'REDISCLI_AUTH="$REDIS_PASSWORD" exec redis-cli'],
      async export(service, out) {
        // redis-cli --rdb takes a consistent snapshot from the live server.
        const r = await service.exec(['sh', '-c', 'f=$(mktemp) && REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli --rdb "$f" >/dev/null && cat "$f" && rm -f "$f"'], { stdout: out });
        requireSuccess('redis-cli --rdb', r);
      },
      async import(service, input) {
        const r = await service.exec(['sh', '-c', 'cat > /var/lib/berth/data/import.rdb.part && mv /var/lib/berth/data/import.rdb.part /var/lib/berth/data/import.rdb'], { stdin: input });
        requireSuccess('writing import.rdb', r);
        await service.restart();
        // The entrypoint sets an invalid file aside (and keeps the old data) rather than failing to start.
        const rejected = await service.exec(['sh', '-c', 'test -f /var/lib/berth/data/import.rdb.rejected && rm -f /var/lib/berth/data/import.rdb.rejected']);
        if (rejected.exitCode === 0) throw new Error('the backup is not a valid Redis RDB file; the service keeps its old data');
      },
      // Run on a throw-away restored copy after each scheduled backup (verify.ts).
      verifyRestore,
      checkRestore,
    });
  },
});

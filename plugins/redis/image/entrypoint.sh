#!/bin/sh
# Runs redis with a password and AOF+RDB persistence in the volume. An import leaves
# import.rdb in the volume and restarts the container: it replaces the data before the server starts.
set -eu
: "${REDIS_PASSWORD:?}"
cd /var/lib/berth/data
if [ -f import.rdb ]; then
  rm -rf appendonlydir dump.rdb
  mv import.rdb dump.rdb
  # Build the AOF from the imported snapshot: start without AOF, then switch it on live.
  conf=$(mktemp)
  printf 'requirepass %s\n' "$REDIS_PASSWORD" >"$conf"
  redis-server "$conf" --dir /var/lib/berth/data --appendonly no --port 6379 --bind 127.0.0.1 &
  pid=$!
  until REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli ping >/dev/null 2>&1; do sleep 0.2; done
  REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli config set appendonly yes >/dev/null
  while REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli info persistence | grep -q 'aof_rewrite_in_progress:1'; do sleep 0.2; done
  sleep 1
  REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli shutdown save >/dev/null 2>&1 || true
  wait "$pid" || true
  rm -f "$conf"
fi
conf=/tmp/redis.conf
printf 'requirepass %s\n' "$REDIS_PASSWORD" >"$conf"
exec redis-server "$conf" --dir /var/lib/berth/data --appendonly yes --save '60 1' --port 6379 --bind 0.0.0.0 --protected-mode no

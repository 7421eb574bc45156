#!/bin/sh
# Runs redis with a password and AOF persistence in the volume. An import leaves import.rdb in
# the volume and restarts the container: a valid file replaces the data before the server
# starts; an invalid one is set aside as import.rdb.rejected and the old data stays.
set -eu
: "${REDIS_PASSWORD:?}"
cd /var/lib/berth/data
conf=/tmp/redis.conf
printf 'requirepass %s\n' "$REDIS_PASSWORD" >"$conf"
if [ -f import.rdb ]; then
  if ! redis-check-rdb import.rdb >/tmp/check.log 2>&1; then
    mv import.rdb import.rdb.rejected
    echo "berth: import.rdb is not a valid RDB file; the old data stays" >&2
    tail -n 5 /tmp/check.log >&2
  else
    rm -rf appendonlydir dump.rdb import.rdb.rejected
    mv import.rdb dump.rdb
    # Build the AOF from the snapshot: start without AOF on loopback, switch AOF on, then stop.
    redis-server "$conf" --dir /var/lib/berth/data --appendonly no --port 6379 --bind 127.0.0.1 &
    pid=$!
    until REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli ping >/dev/null 2>&1; do
      kill -0 "$pid" 2>/dev/null || { echo "berth: redis could not load the import" >&2; exit 1; }
      sleep 0.2
    done
    REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli config set appendonly yes >/dev/null
    sleep 0.5
    while REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli info persistence | grep -q 'aof_rewrite_in_progress:1'; do sleep 0.2; done
    REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli shutdown save >/dev/null 2>&1 || true
    wait "$pid" || true
  fi
fi
exec redis-server "$conf" --dir /var/lib/berth/data --appendonly yes --save '60 1' --port 6379 --bind 0.0.0.0 --protected-mode no

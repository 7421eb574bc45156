#!/usr/bin/env bash
# berth's backing services: the Docker engine and Redis.
#
#   deploy/services.sh ensure   start whichever of them is down, wait until it answers
#   deploy/services.sh status   print each one's state (exit 1 when one is down)
#
# Works without systemd (daemons are started in the background) and after a hard
# kill: stale pid files whose process is dead are removed before starting.
# Liveness is judged by probes (`docker info`, `redis-cli ping`), never by pid files.
set -euo pipefail

LOG_DIR=${BERTH_LOG_DIR:-/var/log/berth}
DOCKERD_LOG="$LOG_DIR/dockerd.log"
DOCKER_PIDFILE=/var/run/docker.pid
CONTAINERD_PIDFILE=/var/run/docker/containerd/containerd.pid

# Redis keeps its data in a fixed place (not under a test's temporary BERTH_HOME).
REDIS_DIR=${BERTH_REDIS_DIR:-/var/lib/berth-redis}
REDIS_CONF="$REDIS_DIR/redis.conf"
REDIS_PIDFILE="$REDIS_DIR/redis.pid"
REDIS_LOG="$REDIS_DIR/redis.log"

step() { echo "-----> $*"; }
info() { echo "       $*"; }
fail() { echo " !     $*" >&2; exit 1; }

have_systemd() { [ -d /run/systemd/system ]; }

# pid_alive PID NAME: PID is a live process whose command name is NAME
pid_alive() {
  local pid=$1 name=$2 comm
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/comm" ] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
  [ "$comm" = "$name" ] || return 1
  # a killed process whose parent has not reaped it yet is a zombie (state Z): dead
  local state
  state=$(sed -e 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1 || true)
  case "$state" in Z|X|x|"") return 1 ;; esac
  return 0
}

# remove_stale_pidfile FILE NAME: delete FILE unless it names a live NAME process
remove_stale_pidfile() {
  local file=$1 name=$2 pid
  [ -e "$file" ] || return 0
  pid=$(tr -dc '0-9' <"$file" 2>/dev/null || true)
  if pid_alive "$pid" "$name"; then
    return 0
  fi
  info "removing stale pid file $file (pid ${pid:-?} is not a live $name)"
  rm -f "$file"
}

tail_log() {
  local file=$1
  if [ -s "$file" ]; then
    echo " !     last 40 lines of $file:" >&2
    tail -n 40 "$file" | sed 's/^/       /' >&2
  fi
}

# ---------------------------------------------------------------- docker
docker_up() { command -v docker >/dev/null 2>&1 && timeout 20 docker info >/dev/null 2>&1; }

ensure_docker() {
  if docker_up; then
    info "dockerd: running"
    return 0
  fi
  command -v dockerd >/dev/null 2>&1 || fail "dockerd is not installed (apt-get install docker.io, or run deploy/install.sh)"
  command -v docker >/dev/null 2>&1 || fail "the docker client is not installed (apt-get install docker.io)"
  mkdir -p "$LOG_DIR"

  if have_systemd && systemctl start docker >/dev/null 2>&1; then
    step "Starting dockerd (systemctl start docker)"
  else
    local pid=""
    [ -e "$DOCKER_PIDFILE" ] && pid=$(tr -dc '0-9' <"$DOCKER_PIDFILE" 2>/dev/null || true)
    if pid_alive "$pid" dockerd; then
      # A live dockerd that does not answer yet (still starting, or hung).
      step "dockerd (pid $pid) is running but not answering yet: waiting"
    else
      remove_stale_pidfile "$DOCKER_PIDFILE" dockerd
      remove_stale_pidfile "$CONTAINERD_PIDFILE" containerd
      step "Starting dockerd (log: $DOCKERD_LOG)"
      echo "==== $(date -u +%FT%TZ) berth services.sh starting dockerd" >>"$DOCKERD_LOG"
      setsid nohup dockerd </dev/null >>"$DOCKERD_LOG" 2>&1 &
    fi
  fi

  local i
  for i in $(seq 1 60); do
    if docker_up; then
      info "dockerd: up (${SECONDS}s)"
      return 0
    fi
    sleep 1
  done
  echo " !     dockerd did not answer 'docker info' within 60 s" >&2
  tail_log "$DOCKERD_LOG"
  fail "dockerd failed to start: read $DOCKERD_LOG"
}

docker_status() {
  if docker_up; then
    echo "dockerd: running ($(docker info --format '{{.ServerVersion}}, {{.Containers}} containers, {{.Images}} images' 2>/dev/null || echo '?'))"
    return 0
  fi
  echo "dockerd: down"
  return 1
}

# ---------------------------------------------------------------- redis
# Host and port come from REDIS_URL when it points at this machine (default 127.0.0.1:6379).
redis_target() {
  local envfile="${BERTH_HOME:-/var/lib/berth}/berth.env"
  if [ -z "${REDIS_URL:-}" ] && [ -r "$envfile" ]; then
    REDIS_URL=$(set +u; set -a; . "$envfile" >/dev/null 2>&1; echo "${REDIS_URL:-}")
  fi
  local url=${REDIS_URL:-redis://127.0.0.1:6379} hostport
  hostport=${url#*://}
  hostport=${hostport##*@}
  hostport=${hostport%%/*}
  REDIS_HOST=${hostport%%:*}
  REDIS_PORT=6379
  if [[ "$hostport" == *:* ]]; then REDIS_PORT=${hostport##*:}; fi
  [ -n "$REDIS_HOST" ] || REDIS_HOST=127.0.0.1
  [[ "$REDIS_PORT" =~ ^[0-9]+$ ]] || fail "cannot read a port from REDIS_URL=$url"
  REDIS_URL_EFFECTIVE=$url
}

redis_up() {
  command -v redis-cli >/dev/null 2>&1 || return 1
  [ "$(timeout 5 redis-cli -u "$REDIS_URL_EFFECTIVE" ping 2>/dev/null || true)" = "PONG" ]
}

write_redis_conf() {
  mkdir -p "$REDIS_DIR"
  chmod 700 "$REDIS_DIR"
  cat >"$REDIS_CONF.tmp" <<EOF
# written by berth deploy/services.sh: changes here are overwritten
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize yes
supervised no
pidfile $REDIS_PIDFILE
logfile $REDIS_LOG
dir $REDIS_DIR
dbfilename dump.rdb
appendonly yes
appendfilename "appendonly.aof"
appendfsync everysec
aof-load-truncated yes
save 900 1
save 300 100
EOF
  mv "$REDIS_CONF.tmp" "$REDIS_CONF"
}

ensure_redis() {
  redis_target
  if redis_up; then
    info "redis: running ($REDIS_HOST:$REDIS_PORT)"
    return 0
  fi
  case "$REDIS_HOST" in
    127.0.0.1|localhost|::1|\[::1\]) ;;
    *) fail "redis at $REDIS_URL_EFFECTIVE does not answer, and it is not on this machine: start it there" ;;
  esac
  command -v redis-server >/dev/null 2>&1 || fail "redis-server is not installed (apt-get install redis-server, or run deploy/install.sh)"

  if have_systemd && [ "$REDIS_PORT" = 6379 ] && systemctl start redis-server >/dev/null 2>&1; then
    step "Starting redis (systemctl start redis-server)"
  else
    local pid=""
    [ -e "$REDIS_PIDFILE" ] && pid=$(tr -dc '0-9' <"$REDIS_PIDFILE" 2>/dev/null || true)
    if pid_alive "$pid" redis-server; then
      step "redis-server (pid $pid) is running but not answering yet: waiting"
    else
      remove_stale_pidfile "$REDIS_PIDFILE" redis-server
      write_redis_conf
      step "Starting redis-server on 127.0.0.1:$REDIS_PORT (data: $REDIS_DIR, log: $REDIS_LOG)"
      if ! (cd "$REDIS_DIR" && redis-server "$REDIS_CONF" </dev/null >>"$REDIS_LOG" 2>&1); then
        tail_log "$REDIS_LOG"
        fail "redis-server failed to start: read $REDIS_LOG"
      fi
    fi
  fi

  local i
  for i in $(seq 1 60); do
    if redis_up; then
      info "redis: up (${SECONDS}s)"
      return 0
    fi
    # daemonized redis exits early on a bad config or a corrupt AOF: stop waiting then
    if [ "$i" -ge 3 ] && [ -e "$REDIS_PIDFILE" ]; then
      pid=$(tr -dc '0-9' <"$REDIS_PIDFILE" 2>/dev/null || true)
      pid_alive "$pid" redis-server || break
    fi
    sleep 1
  done
  echo " !     redis did not answer PING on $REDIS_HOST:$REDIS_PORT" >&2
  tail_log "$REDIS_LOG"
  if grep -qi 'aof' "$REDIS_LOG" 2>/dev/null && grep -qiE 'bad file format|corrupt|unexpected end|invalid aof|manifest' "$REDIS_LOG" 2>/dev/null; then
    echo " !     the append-only file looks damaged: redis-check-aof --fix $REDIS_DIR/appendonlydir/*.manifest" >&2
  fi
  fail "redis failed to start: read $REDIS_LOG"
}

redis_status() {
  redis_target
  if redis_up; then
    local aof
    aof=$(timeout 5 redis-cli -u "$REDIS_URL_EFFECTIVE" config get appendonly 2>/dev/null | tail -n 1 || true)
    echo "redis: running ($REDIS_HOST:$REDIS_PORT, appendonly ${aof:-?})"
    return 0
  fi
  echo "redis: down ($REDIS_HOST:$REDIS_PORT)"
  return 1
}

# ---------------------------------------------------------------- main
cmd=${1:-ensure}
case "$cmd" in
  ensure)
    [ "$(id -u)" = 0 ] || fail "services.sh ensure must run as root"
    ensure_docker
    ensure_redis
    ;;
  status)
    rc=0
    docker_status || rc=1
    redis_status || rc=1
    exit $rc
    ;;
  *)
    echo "usage: $0 ensure|status" >&2
    exit 2
    ;;
esac

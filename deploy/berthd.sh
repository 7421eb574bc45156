#!/usr/bin/env bash
# Runs berth (web + worker, `node dist/app/main.js start`) in the background on hosts
# without systemd.
#
#   deploy/berthd.sh start|stop|restart|status
#
# env file:  $BERTH_HOME/berth.env        (BERTH_HOME defaults to /var/lib/berth)
# log:       $BERTH_HOME/log/berth.log    (stdout and stderr, appended)
# pid file:  $BERTH_HOME/run/berth.pid
#
# `start` does nothing when berth already runs from this checkout with the same built
# code; a berth running from another checkout, or from older code, is stopped first.
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
CHECKOUT=$(cd "$here/.." && pwd)
MAIN="$CHECKOUT/dist/app/main.js"

BERTH_HOME=${BERTH_HOME:-/var/lib/berth}
ENV_FILE="$BERTH_HOME/berth.env"
RUN_DIR="$BERTH_HOME/run"
LOG_DIR="$BERTH_HOME/log"
PIDFILE="$RUN_DIR/berth.pid"
BUILDFILE="$RUN_DIR/berth.build"
LOG="$LOG_DIR/berth.log"

step() { echo "-----> $*"; }
info() { echo "       $*"; }
fail() { echo " !     $*" >&2; exit 1; }

# pid of the berth in the pid file when it is a live berth process, else nothing
live_pid() {
  local pid state
  [ -r "$PIDFILE" ] || return 1
  pid=$(tr -dc '0-9' <"$PIDFILE" 2>/dev/null || true)
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  state=$(sed -e 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1 || true)
  case "$state" in Z|X|x|"") return 1 ;; esac
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -q '/dist/app/main\.js$' || return 1
  echo "$pid"
}

# the main.js path a berth process runs
pid_main() {
  tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -m1 '/dist/app/main\.js$' || true
}

# a fingerprint of the built code, to notice a rebuild with changed output
build_hash() {
  (cd "$CHECKOUT" && find dist -type f -name '*.js' -print0 2>/dev/null | sort -z | xargs -0 -r cat | sha256sum | cut -d' ' -f1)
}

load_env() {
  [ -r "$ENV_FILE" ] || fail "$ENV_FILE is missing: run deploy/install.sh (it writes the defaults)"
  set -a
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  set +a
  export BERTH_HOME
}

do_stop() {
  local pid
  if ! pid=$(live_pid); then
    if [ -e "$PIDFILE" ]; then
      info "removing stale pid file $PIDFILE"
      rm -f "$PIDFILE" "$BUILDFILE"
    fi
    info "berth: not running"
    return 0
  fi
  step "Stopping berth (pid $pid, $(pid_main "$pid"))"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    live_pid >/dev/null || break
    sleep 0.1
  done
  if live_pid >/dev/null; then
    info "berth did not stop within 15 s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$PIDFILE" "$BUILDFILE"
  info "berth: stopped"
}

do_start() {
  local pid running hash
  [ -f "$MAIN" ] || fail "berth is not built ($MAIN missing): run npm run build in $CHECKOUT"
  command -v node >/dev/null 2>&1 || fail "node is not installed"
  hash=$(build_hash)

  if pid=$(live_pid); then
    running=$(pid_main "$pid")
    if [ "$running" = "$MAIN" ] && [ "$(cat "$BUILDFILE" 2>/dev/null || true)" = "$hash" ]; then
      info "berth: already running (pid $pid, $CHECKOUT)"
      return 0
    fi
    if [ "$running" = "$MAIN" ]; then
      info "berth runs from this checkout but its code was rebuilt: restarting"
    else
      info "berth runs from another checkout ($running): replacing it"
    fi
    do_stop
  elif [ -e "$PIDFILE" ]; then
    info "removing stale pid file $PIDFILE"
    rm -f "$PIDFILE" "$BUILDFILE"
  fi

  load_env
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  step "Starting berth from $CHECKOUT (log: $LOG)"
  echo "==== $(date -u +%FT%TZ) berthd.sh start: node $MAIN start" >>"$LOG"
  cd "$CHECKOUT"
  # bash writes its own pid, then execs node in place: the pid file names node itself.
  setsid nohup bash -c 'echo $$ >"$1"; shift; exec "$@"' berthd "$PIDFILE" \
    node "$MAIN" start </dev/null >>"$LOG" 2>&1 &
  echo "$hash" >"$BUILDFILE"

  # catch an immediate crash (bad config, port taken) here rather than later
  for _ in $(seq 1 10); do
    sleep 0.2
    [ -s "$PIDFILE" ] || continue
    live_pid >/dev/null || break
  done
  sleep 0.5
  if pid=$(live_pid); then
    info "berth: started (pid $pid)"
    return 0
  fi
  echo " !     berth exited right after starting; last 40 lines of $LOG:" >&2
  tail -n 40 "$LOG" | sed 's/^/       /' >&2
  rm -f "$PIDFILE" "$BUILDFILE"
  fail "berth failed to start: read $LOG"
}

do_status() {
  local pid
  if pid=$(live_pid); then
    echo "berth: running (pid $pid, $(pid_main "$pid"))"
    return 0
  fi
  if [ -e "$PIDFILE" ]; then
    echo "berth: stopped (stale pid file $PIDFILE)"
  else
    echo "berth: stopped"
  fi
  return 3
}

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  restart) do_stop; do_start ;;
  status) do_status ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Swaps the running berth for the one in this checkout, and goes back when the new one fails to
# start (deploy/install.sh calls it; docs/upgrading.md). Apps keep serving throughout: their
# containers and berth's nginx do not stop with berth.
#
#   bash deploy/swap-berth.sh [--no-build]
#
#   1. builds this checkout (npm run build) while the previous berth still runs (--no-build: use dist/ as it is)
#   2. stops the previous berth, then backs berth.db up (deploy/backup-db.js): nothing writes it any more,
#      so the backup is everything the previous berth wrote
#   3. starts this berth (systemd unit, or deploy/berthd.sh) and waits up to BERTH_START_TIMEOUT s (60) for /healthz
#   4. when it does not answer: stops it, puts the backup back as berth.db, puts the previous build back
#      (its checkout; for an upgrade in place, the copy of dist/ kept in $BERTH_HOME/previous-build) and
#      starts the previous berth again; exits 1
#   5. when it answers: records it ($BERTH_HOME/installed-checkout, installed-commit) and keeps a copy of
#      its dist/ for the next upgrade's way back
#
# env: BERTH_HOME (default /var/lib/berth; its berth.env gives BERTH_PORT).
set -euo pipefail

CHECKOUT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
BUILD=1
case "${1:-}" in
  --no-build) BUILD=0 ;;
  "") ;;
  *) echo "usage: $0 [--no-build]" >&2; exit 2 ;;
esac
BERTH_HOME=${BERTH_HOME:-/var/lib/berth}
export BERTH_HOME
ENV_FILE="$BERTH_HOME/berth.env"
KEPT="$BERTH_HOME/previous-build"
TIMEOUT=${BERTH_START_TIMEOUT:-60}
LOG=${BERTH_INSTALL_LOG:-/dev/null}

step() { echo "-----> $*"; }
info() { echo "       $*"; }
fail() { echo " !     $*" >&2; exit 1; }

[ -r "$ENV_FILE" ] || fail "$ENV_FILE is missing: run deploy/install.sh (it writes the defaults)"
BERTH_PORT=$(sed -n 's/^BERTH_PORT=//p' "$ENV_FILE" | tail -n 1)
BERTH_PORT=${BERTH_PORT:-8380}
healthz="http://127.0.0.1:$BERTH_PORT/healthz"

have_systemd() { [ -d /run/systemd/system ]; }

# The checkout the running (or last installed) berth comes from: recorded by the last swap, else
# the running process's main.js, else the systemd unit's WorkingDirectory.
previous_checkout() {
  local pid main
  if [ -s "$BERTH_HOME/installed-checkout" ]; then cat "$BERTH_HOME/installed-checkout"; return; fi
  pid=$(tr -dc '0-9' <"$BERTH_HOME/run/berth.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ]; then
    main=$(tr '\0' '\n' <"/proc/$pid/cmdline" | grep -m1 '/dist/app/main\.js$' || true)
    if [ -n "$main" ]; then dirname "$(dirname "$(dirname "$main")")"; return; fi
  fi
  if [ -r /etc/systemd/system/berth.service ]; then sed -n 's/^WorkingDirectory=//p' /etc/systemd/system/berth.service; fi
}

# keep_build DIR: a copy of DIR/dist (without the tests) as $KEPT, replaced whole.
keep_build() {
  rm -rf "$KEPT.tmp"
  mkdir -p "$KEPT.tmp"
  chmod 700 "$KEPT.tmp"
  (cd "$1" && tar -cf - --exclude=./dist/test ./dist) | tar -xf - -C "$KEPT.tmp"
  echo "$1" >"$KEPT.tmp/checkout"
  rm -rf "$KEPT"
  mv "$KEPT.tmp" "$KEPT"
}

start_berth() {
  local dir=$1
  if have_systemd; then
    sed -e "s#@CHECKOUT@#$dir#g" -e "s#@BERTH_HOME@#$BERTH_HOME#g" -e "s#@NODE@#$(command -v node)#g" \
      "$dir/deploy/berth.service" >/etc/systemd/system/berth.service.tmp
    mv /etc/systemd/system/berth.service.tmp /etc/systemd/system/berth.service
    systemctl daemon-reload && systemctl enable berth.service >/dev/null 2>&1 && systemctl start berth.service
  else
    bash "$dir/deploy/berthd.sh" start
  fi
}

stop_berth() {
  if have_systemd && systemctl cat berth.service >/dev/null 2>&1; then systemctl stop berth.service || true; fi
  # A berth started without systemd (or before the unit existed); its pid file is under BERTH_HOME.
  bash "$CHECKOUT/deploy/berthd.sh" stop >/dev/null 2>&1 || true
}

# answers DIR SECONDS: /healthz answers within SECONDS (without systemd: no waiting once DIR's berth exited)
answers() {
  local i
  for i in $(seq 1 "$2"); do
    if curl -fsS -m 2 "$healthz" >/dev/null 2>&1; then return 0; fi
    if [ "$i" -gt 3 ] && ! have_systemd && ! bash "$1/deploy/berthd.sh" status >/dev/null 2>&1; then return 1; fi
    sleep 1
  done
  return 1
}

berth_log_tail() {
  if have_systemd; then journalctl -u berth.service -n 30 --no-pager >&2 || true
  else tail -n 30 "$BERTH_HOME/log/berth.log" 2>/dev/null | sed 's/^/       /' >&2 || true; fi
}

PREV=$(previous_checkout)
PREV_COMMIT=$(cut -c1-12 "$BERTH_HOME/installed-commit" 2>/dev/null || true)
[ -n "$PREV" ] && [ -f "$PREV/dist/app/main.js" ] || PREV=""
# An upgrade in place overwrites the build that runs now: keep it first, unless the last swap kept it.
if [ -n "$PREV" ] && [ "$(cat "$KEPT/checkout" 2>/dev/null || true)" != "$PREV" ]; then
  keep_build "$PREV"
fi

if [ "$BUILD" = 1 ]; then
  step "Building berth (npm run build) while the previous berth still runs"
  (cd "$CHECKOUT" && npm run build) >>"$LOG" 2>&1 || fail "npm run build failed in $CHECKOUT (see $LOG); the previous berth still runs, nothing was changed"
fi
[ -f "$CHECKOUT/dist/app/main.js" ] || fail "$CHECKOUT/dist/app/main.js is missing: build it first"

step "Stopping the previous berth${PREV:+ ($PREV)} (apps keep serving: their containers and the router stay up)"
stop_berth
backup=""
if [ -f "$BERTH_HOME/berth.db" ]; then
  backup=$(node "$CHECKOUT/deploy/backup-db.js" "$BERTH_HOME/berth.db" "$BERTH_HOME/backups/db" 3 "$PREV_COMMIT" 2>>"$LOG") \
    || { start_berth "${PREV:-$CHECKOUT}" >/dev/null 2>&1 || true; fail "backing up $BERTH_HOME/berth.db failed (see $LOG); the previous berth was started again, nothing was upgraded"; }
  info "database backup: $backup"
fi

step "Starting berth from $CHECKOUT"
if start_berth "$CHECKOUT" && answers "$CHECKOUT" "$TIMEOUT"; then
  info "berth answers $healthz"
  echo "$CHECKOUT" >"$BERTH_HOME/installed-checkout"
  git -C "$CHECKOUT" rev-parse HEAD >"$BERTH_HOME/installed-commit" 2>/dev/null || rm -f "$BERTH_HOME/installed-commit"
  keep_build "$CHECKOUT"
  exit 0
fi

echo " !     the new berth did not answer $healthz within $TIMEOUT s; its last lines:" >&2
berth_log_tail
[ -n "$PREV" ] || fail "no previous berth to go back to (first install): fix the start and run deploy/install.sh again"
step "Going back to the previous berth ($PREV${PREV_COMMIT:+, $PREV_COMMIT})"
stop_berth
if [ -n "$backup" ]; then
  # Its WAL and shared memory belong to the database the new berth left: gone before the copy comes back.
  rm -f "$BERTH_HOME/berth.db-wal" "$BERTH_HOME/berth.db-shm"
  cp "$backup" "$BERTH_HOME/berth.db.restoring"
  chmod 600 "$BERTH_HOME/berth.db.restoring"
  mv "$BERTH_HOME/berth.db.restoring" "$BERTH_HOME/berth.db"
  info "database restored from $backup"
fi
if [ "$PREV" = "$CHECKOUT" ]; then
  [ -f "$KEPT/dist/app/main.js" ] || fail "the previous build of $CHECKOUT was not kept ($KEPT): check out the previous commit and run deploy/install.sh"
  rm -rf "$CHECKOUT/dist"
  cp -a "$KEPT/dist" "$CHECKOUT/dist"
  info "previous build put back from $KEPT"
fi
if start_berth "$PREV" && answers "$PREV" "$TIMEOUT"; then
  echo "$PREV" >"$BERTH_HOME/installed-checkout"
  fail "the upgrade failed: berth from $CHECKOUT did not start. The previous berth ($PREV) runs again on the database as it was before the upgrade"
fi
berth_log_tail
fail "the upgrade failed and the previous berth ($PREV) did not start either: read $BERTH_HOME/log/berth.log; database backup: ${backup:-none}"

#!/usr/bin/env bash
# Installs and starts berth on this host (as root, on Debian 12). Idempotent: re-running
# it changes nothing that already works.
#
#   bash deploy/install.sh
#
#   1. Debian packages (deploy/executables.txt, group berth: docker.io, docker-registry, redis, nginx, git, …) when missing
#   2. dockerd and redis (deploy/services.sh ensure)
#   3. npm ci (when package-lock.json changed)
#   4. images (deploy/images/bootstrap.sh: built locally, no registry)
#   5. deploy/swap-berth.sh: npm run build, the previous berth stopped, a backup of berth.db (deploy/backup-db.js,
#      last 3 kept), berth itself started (systemd unit, or deploy/berthd.sh without systemd) and /healthz
#      waited for; a berth that does not start is replaced by the previous one again (build and database)
#   6. the `berth` CLI on the PATH, logged in as admin for root
#
# env: BERTH_HOME (default /var/lib/berth); on first install also BERTH_PORT, BERTH_ROUTER_PORT,
# REDIS_URL, BERTH_DOMAIN, which are written to $BERTH_HOME/berth.env.
#
# berth's own address, for pushes and the CLI from other machines (written to berth.env each time given):
#   bash deploy/install.sh --hostname berth.example.com [--tls-cert chain.pem --tls-key key.pem]
# serves the API, dashboard and git at https://berth.example.com/ (the certificate from the files
# given, else from the ACME server, BERTH_ACME_DIRECTORY) and SSH pushes on BERTH_SSH_PORT (2222) on
# every address; it packs the CLI for laptops into $BERTH_HOME/berth-cli-<version>.tgz.
set -euo pipefail

OWN_HOSTNAME="" OWN_TLS_CERT="" OWN_TLS_KEY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --hostname) OWN_HOSTNAME=${2:?--hostname needs a host name}; shift 2 ;;
    --tls-cert) OWN_TLS_CERT=$(readlink -f "${2:?--tls-cert needs a file}"); shift 2 ;;
    --tls-key) OWN_TLS_KEY=$(readlink -f "${2:?--tls-key needs a file}"); shift 2 ;;
    *) echo " !     unknown argument $1: use --hostname <name> [--tls-cert <pem> --tls-key <pem>]" >&2; exit 2 ;;
  esac
done

CHECKOUT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
LOG_DIR=/var/log/berth
LOG="$LOG_DIR/install.log"
export DEBIAN_FRONTEND=noninteractive
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
if [ -z "${HOME:-}" ]; then HOME=$(getent passwd "$(id -un)" | cut -d: -f6); export HOME; fi

step() { echo "-----> $*"; }
info() { echo "       $*"; }
fail() { echo " !     $*" >&2; exit 1; }
trap 'rc=$?; echo " !     install.sh stopped at line $LINENO ($BASH_COMMAND), exit $rc; details may be in $LOG" >&2' ERR

# run_logged WHAT CMD...: run CMD with its output appended to $LOG; on failure show the
# log's tail and stop, naming what failed.
run_logged() {
  local what=$1; shift
  echo "==== $(date -u +%FT%TZ) $what: $*" >>"$LOG"
  if ! "$@" >>"$LOG" 2>&1 </dev/null; then
    echo " !     $what failed: last 40 lines of $LOG:" >&2
    tail -n 40 "$LOG" | sed 's/^/       /' >&2
    trap - ERR
    fail "$what failed (command: $*); full log: $LOG"
  fi
}

[ "$(id -u)" = 0 ] || fail "run deploy/install.sh as root (sudo bash deploy/install.sh)"
mkdir -p "$LOG_DIR"
chmod 750 "$LOG_DIR"
echo "==== $(date -u +%FT%TZ) install.sh from $CHECKOUT" >>"$LOG"
step "Installing berth from $CHECKOUT (log: $LOG)"

# ---------------------------------------------------------------- 1. packages
pkg_installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]; }

# Every program berth runs, by package: deploy/executables.txt (group berth), checked against the
# sources by test/unit/executables.test.ts.
mapfile -t PACKAGES < <(bash "$CHECKOUT/deploy/packages-for.sh" berth)
[ "${#PACKAGES[@]}" -gt 0 ] || fail "deploy/executables.txt names no berth packages"
missing=()
for p in "${PACKAGES[@]}"; do
  pkg_installed "$p" || missing+=("$p")
done
if ! command -v node >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: berth's installer supports Debian 12; install by hand: ${missing[*]}"
  step "Installing Debian packages: ${missing[*]}"
  run_logged "apt-get update" apt-get update
  run_logged "apt-get install ${missing[*]}" \
    apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
else
  info "Debian packages: all present"
fi

command -v node >/dev/null 2>&1 || fail "node is still missing after installing nodejs"
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  fail "Node.js >= 20 is needed, found $(node -v). Debian 12's nodejs is 18: install Node.js 20 from the NodeSource node_20.x apt repository (or another Node 20 package), then re-run deploy/install.sh"
fi
command -v npm >/dev/null 2>&1 || fail "npm is missing (node $(node -v) is installed without it): install npm for this Node.js, then re-run"
info "node $(node -v), npm $(npm -v 2>/dev/null || echo ?)"

# Debian's nginx starts its default site on :80 when installed; berth runs its own nginx
# (from $BERTH_HOME/nginx) and needs the port.
if [ -e /etc/nginx/sites-enabled/default ] || [ -L /etc/nginx/sites-enabled/default ]; then
  rm -f /etc/nginx/sites-enabled/default
  info "removed /etc/nginx/sites-enabled/default (Debian's default site; berth's own nginx serves :80)"
fi
if [ -e /run/nginx.pid ]; then
  npid=$(tr -dc '0-9' </run/nginx.pid 2>/dev/null || true)
  ncmd=""
  [ -n "$npid" ] && [ -r "/proc/$npid/cmdline" ] && ncmd=$(tr '\0' ' ' <"/proc/$npid/cmdline" 2>/dev/null || true)
  if [[ "$ncmd" == nginx* ]] && [[ "$ncmd" != *"${BERTH_HOME:-/var/lib/berth}"* ]]; then
    step "Stopping Debian's nginx (pid $npid) so that berth's own nginx can listen on :80"
    nginx -s quit >>"$LOG" 2>&1 || kill -QUIT "$npid" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -r "/proc/$npid/cmdline" ] && [ -s "/proc/$npid/cmdline" ] || break; sleep 0.2; done
    if [ -s "/proc/$npid/cmdline" ]; then kill -TERM "$npid" 2>/dev/null || true; fi
    rm -f /run/nginx.pid
  elif [[ "$ncmd" != nginx* ]]; then
    rm -f /run/nginx.pid   # stale: its process is gone
  fi
fi
if [ -d /run/systemd/system ]; then
  if systemctl is-enabled nginx.service >/dev/null 2>&1 || systemctl is-active nginx.service >/dev/null 2>&1; then
    systemctl disable --now nginx.service >>"$LOG" 2>&1 || true
    info "disabled Debian's nginx.service (berth starts its own nginx)"
  fi
elif command -v update-rc.d >/dev/null 2>&1 && ls /etc/rc[2-5].d/S*nginx >/dev/null 2>&1; then
  update-rc.d nginx disable >>"$LOG" 2>&1 || true
  info "disabled Debian's nginx init script (berth starts its own nginx)"
fi

# Debian's docker-registry package enables its own registry service (:5000); berth starts its own
# registry (config and storage under $BERTH_HOME/registry) when a swarm needs it.
if [ -d /run/systemd/system ] && systemctl is-enabled docker-registry.service >/dev/null 2>&1; then
  systemctl disable --now docker-registry.service >>"$LOG" 2>&1 || true
  info "disabled Debian's docker-registry.service (berth starts its own registry)"
fi

# nginx workers whose master was killed (SIGKILL leaves them behind, re-parented to init) keep
# :80/:443 open and serve nothing useful; berth's nginx could not bind. A worker is never a
# child of init while its master lives, so these are always leftovers.
orphans=()
for pid in $(pgrep -x nginx 2>/dev/null || true); do
  ppid=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null || true)
  args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
  if [ "$ppid" = 1 ] && [[ "$args" == "nginx: worker process"* ]]; then orphans+=("$pid"); fi
done
if [ "${#orphans[@]}" -gt 0 ]; then
  step "Stopping ${#orphans[@]} orphaned nginx worker(s) left by a killed master: ${orphans[*]}"
  kill -9 "${orphans[@]}" 2>/dev/null || true
  for _ in $(seq 1 50); do
    alive=0; for pid in "${orphans[@]}"; do [ -d "/proc/$pid" ] && alive=1; done
    [ "$alive" = 0 ] && break; sleep 0.2
  done
fi

# ---------------------------------------------------------------- berth.env
BERTH_HOME=${BERTH_HOME:-/var/lib/berth}
export BERTH_HOME
ENV_FILE="$BERTH_HOME/berth.env"
mkdir -p "$BERTH_HOME"
if [ ! -f "$ENV_FILE" ]; then
  umask_old=$(umask); umask 077
  cat >"$ENV_FILE" <<EOF
# berth's settings, read by berth (systemd EnvironmentFile / deploy/berthd.sh).
BERTH_HOME=$BERTH_HOME
BERTH_PORT=${BERTH_PORT:-8380}
BERTH_ROUTER_PORT=${BERTH_ROUTER_PORT:-80}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
BERTH_DOMAIN=${BERTH_DOMAIN:-localhost}
EOF
  umask "$umask_old"
  info "wrote $ENV_FILE with defaults"
else
  info "settings: $ENV_FILE"
fi
# set_env KEY VALUE: the one KEY=VALUE line of berth.env, replaced or added.
set_env() {
  local tmp="$ENV_FILE.tmp"
  { grep -v "^$1=" "$ENV_FILE" || true; echo "$1=$2"; } >"$tmp"
  chmod 600 "$tmp"
  mv "$tmp" "$ENV_FILE"
}
if [ -n "$OWN_HOSTNAME" ]; then
  set_env BERTH_HOSTNAME "$OWN_HOSTNAME"
  set_env BERTH_SSH_HOST 0.0.0.0
  set_env BERTH_TLS_CERT "$OWN_TLS_CERT"
  set_env BERTH_TLS_KEY "$OWN_TLS_KEY"
  info "berth's own address: $OWN_HOSTNAME (in $ENV_FILE)"
fi
set -a
# shellcheck disable=SC1090
. "$ENV_FILE"
set +a
BERTH_PORT=${BERTH_PORT:-8380}

# ---------------------------------------------------------------- 2. services
step "Checking dockerd and redis"
bash "$CHECKOUT/deploy/services.sh" ensure

# ---------------------------------------------------------------- 3. npm ci + build
cd "$CHECKOUT"
lock_hash=$( { cat package-lock.json; node -v; } | sha256sum | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat node_modules/.berth-lock-hash 2>/dev/null || true)" != "$lock_hash" ]; then
  step "Installing npm dependencies (npm ci; this compiles native modules and may take minutes)"
  start=$SECONDS
  run_logged "npm ci" npm ci --no-audit --no-fund
  echo "$lock_hash" >node_modules/.berth-lock-hash
  info "npm ci done ($((SECONDS - start))s)"
else
  info "npm dependencies: up to date"
fi
# ---------------------------------------------------------------- 4. images
step "Building images (deploy/images/bootstrap.sh)"
bash "$CHECKOUT/deploy/images/bootstrap.sh" || { trap - ERR; fail "building images failed (see above; logs in $LOG_DIR)"; }

# ---------------------------------------------------------------- 5. build, database backup, berth
# deploy/swap-berth.sh (docs/upgrading.md): builds while the previous berth runs, stops it, backs
# berth.db up (deploy/backup-db.js, the last 3 kept), starts this berth and waits for /healthz; when
# it does not answer, it puts the previous build and the backup back and starts the previous berth.
# Apps keep serving throughout (containers and berth's nginx do not stop with berth).
if [ -d /run/systemd/system ]; then step "Installing berth (systemd unit berth.service)"; else step "Installing berth (no systemd here: deploy/berthd.sh)"; fi
BERTH_INSTALL_LOG="$LOG" bash "$CHECKOUT/deploy/swap-berth.sh" || { trap - ERR; fail "berth was not upgraded (see above; log: $BERTH_HOME/log/berth.log)"; }

# ---------------------------------------------------------------- 6. CLI + admin
ln -sfn "$CHECKOUT/bin/berth" /usr/local/bin/berth
chmod +x "$CHECKOUT/bin/berth"
info "berth CLI: /usr/local/bin/berth -> $CHECKOUT/bin/berth"

if timeout 60 berth apps:list >/dev/null 2>&1 </dev/null; then
  info "root's berth CLI is already logged in"
else
  step "Creating the admin user and logging root's CLI in"
  set +e
  out=$(cd "$CHECKOUT" && timeout 60 node dist/app/main.js admin:bootstrap 2>>"$LOG" </dev/null)
  rc=$?
  set -e
  if [ "$rc" != 0 ]; then
    echo " !     node dist/app/main.js admin:bootstrap exited $rc; last 20 lines of $LOG:" >&2
    tail -n 20 "$LOG" | sed 's/^/       /' >&2
    trap - ERR
    fail "admin:bootstrap failed"
  fi
  token=$(printf '%s\n' "$out" | grep '^{' | tail -n 1 | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      try { const t = JSON.parse(s).token; if (typeof t === "string" && t) { process.stdout.write(t); return; } } catch {}
      process.exit(1);
    });') || { trap - ERR; fail "admin:bootstrap printed no {\"user\",\"token\"} JSON line (got: $(printf '%s' "$out" | head -c 300))"; }
  echo "==== $(date -u +%FT%TZ) berth login --host http://127.0.0.1:$BERTH_PORT --token <admin token>" >>"$LOG"
  if ! timeout 60 berth login --host "http://127.0.0.1:$BERTH_PORT" --token "$token" >>"$LOG" 2>&1 </dev/null; then
    echo " !     berth login failed: last 20 lines of $LOG:" >&2
    tail -n 20 "$LOG" | sed 's/^/       /' >&2
    fail "berth login --host http://127.0.0.1:$BERTH_PORT failed; the admin token is: $token"
  fi
  info "admin token (stored for root's CLI; keep it safe, it is shown only now):"
  info "  $token"
fi

step "Smoke check: berth apps:list"
if ! timeout 60 berth apps:list </dev/null; then
  trap - ERR
  fail "berth apps:list failed after install"
fi

step "berth is installed"
info "API and dashboard: http://127.0.0.1:$BERTH_PORT/   (settings: $ENV_FILE)"
info "apps: http://<app>.${BERTH_DOMAIN:-localhost}:${BERTH_ROUTER_PORT:-80}/"
if [ -n "${BERTH_HOSTNAME:-}" ]; then
  https_port=${BERTH_ROUTER_HTTPS_PORT:-443}
  address="https://$BERTH_HOSTNAME$([ "$https_port" = 443 ] || echo ":$https_port")"
  cli_tgz=$(node "$CHECKOUT/deploy/pack-cli.js" "$BERTH_HOME" 2>>"$LOG" | tail -n 1) || cli_tgz="(packing failed; see $LOG)"
  # The SSH remote as OwnAddress.remotes() spells it (app/own-address): port 22 in scp form, none with SSH off.
  ssh_port=${BERTH_SSH_PORT:-2222}
  case "$ssh_port" in
    0) ssh_remote="(SSH off: BERTH_SSH_PORT=0)" ;;
    22) ssh_remote="berth@$BERTH_HOSTNAME:<app>" ;;
    *) ssh_remote="ssh://berth@$BERTH_HOSTNAME:$ssh_port/<app>" ;;
  esac
  info "berth's address: $address/ (plain HTTP redirects there; the web port answers this host only)"
  info "users:           berth users:add <name> --role developer --password   # here; then apps:collaborators:add <app> <name>"
  info "from a laptop:   npm install -g ./${cli_tgz##*/}   (copy $cli_tgz there)"
  info "                 berth login $address --user <name>"
  info "                 berth git:remote <app>   # in the app's checkout; then git push paas main"
  info "git remotes:     $address/git/<app>.git   $ssh_remote"
fi

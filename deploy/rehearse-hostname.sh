#!/usr/bin/env bash
# Rehearses `deploy/install.sh --hostname` end to end on a host where a berth already runs, without
# touching that berth: a second berth is installed beside it, then checked and removed.
#
#   bash deploy/rehearse-hostname.sh [--keep]
#
# What keeps the running berth undisturbed:
#   - its own BERTH_HOME, ports (web, router HTTP/HTTPS, SSH), Redis key prefix and docker network,
#     from a berth.env written before the install (install.sh keeps an existing berth.env);
#   - a private mount namespace (unshare) in which /usr/local/bin and /var/log/berth are copies, so
#     the install's `berth` symlink and its logs stay there, and /run/systemd is empty, so a host's
#     berth.service is never rewritten (the berthd.sh path runs); its own HOME, so root's CLI login stays;
#   - dockerd, Redis and the images are only checked (they run); it refuses to start unless node_modules
#     matches package-lock.json, so install.sh never runs npm ci (through a worktree's symlink it would empty the shared tree);
# The certificate comes from a test CA made here (openssl), so no ACME server is needed.
# Checks: install.sh exits 0 and prints berth's address and both git remote URLs; HTTPS serves the API
# with that certificate; plain HTTP redirects to HTTPS; the CLI packed by the install, installed with
# `npm install -g`, logs in over HTTPS (--ca-file) with the admin token the install printed, and
# `git:remote` prints the URLs. Then (unless --keep) berth, its nginx, keys, network and files go.
set -euo pipefail

CHECKOUT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
exec </dev/null
keep=0
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    *) echo "usage: $0 [--keep]" >&2; exit 2 ;;
  esac
done

step() { echo "-----> $*"; }
info() { echo "       $*"; }
fail() { echo " !     $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root, as deploy/install.sh is"
# install.sh stops a Debian nginx named by /run/nginx.pid unless it serves $BERTH_HOME: here that
# could be the running berth's, so the rehearsal does not start then.
[ ! -e /run/nginx.pid ] || fail "/run/nginx.pid exists: deploy/install.sh would stop that nginx; not rehearsing here"

# install.sh runs `npm ci` when node_modules does not match package-lock.json; through a node_modules
# that is a symlink to a shared tree (a git worktree's) npm ci empties that tree for everyone using it.
# The rehearsal is about --hostname, not npm: it runs only where install.sh would leave node_modules alone.
lock_hash=$( { cat "$CHECKOUT/package-lock.json"; node -v; } | sha256sum | cut -d' ' -f1)
if [ "$(cat "$CHECKOUT/node_modules/.berth-lock-hash" 2>/dev/null || true)" != "$lock_hash" ]; then
  fail "$CHECKOUT/node_modules does not match package-lock.json (install.sh would run npm ci there$([ -L "$CHECKOUT/node_modules" ] && echo ", emptying the shared $(readlink -f "$CHECKOUT/node_modules")")): run bash deploy/install.sh in the checkout that owns node_modules first"
fi

HOSTNAME_=berth-rehearsal.test
ID=$(node -p "require('node:crypto').randomBytes(3).toString('hex')")
DIR=/var/tmp/berth-hostname-rehearsal-$ID
HOME_=$DIR/home            # BERTH_HOME
ROOT_HOME=$DIR/root        # HOME of the installing root (its CLI login)
LAPTOP=$DIR/laptop         # HOME and npm prefix of the CLI user
NET=berth-rehearsal-$ID
PREFIX=berth-rehearsal-$ID
mkdir -p "$HOME_" "$ROOT_HOME" "$LAPTOP/prefix" "$DIR/bin" "$DIR/log" "$DIR/ca" "$DIR/no-systemd"
chmod 755 "$DIR"

# Four free TCP ports in a row (web, router HTTP, router HTTPS, SSH).
PORT=$(node -e '
  const net = require("node:net");
  const free = (p) => new Promise((ok) => { const s = net.createServer().once("error", () => ok(false)).listen(p, "0.0.0.0", () => s.close(() => ok(true))); });
  (async () => { for (let i = 0; i < 200; i++) { const b = 20000 + Math.floor(Math.random() * 40000);
    if ((await Promise.all([0, 1, 2, 3].map((d) => free(b + d)))).every(Boolean)) { console.log(b); return; } } process.exit(1); })();')
HTTP=$((PORT + 1)) HTTPS=$((PORT + 2)) SSH=$((PORT + 3))
BASE="https://$HOSTNAME_:$HTTPS"

cleanup() {
  if [ "$keep" = 1 ]; then info "kept: BERTH_HOME=$HOME_ (stop: BERTH_HOME=$HOME_ bash $CHECKOUT/deploy/berthd.sh stop)"; return; fi
  BERTH_HOME=$HOME_ bash "$CHECKOUT/deploy/berthd.sh" stop >/dev/null 2>&1 || true
  [ -f "$HOME_/nginx/nginx.pid" ] && nginx -p "$HOME_/nginx" -c "$HOME_/nginx/nginx.conf" -s quit >/dev/null 2>&1 || true
  redis-cli --scan --pattern "$PREFIX:*" 2>/dev/null | xargs -r -n 100 redis-cli del >/dev/null 2>&1 || true
  for n in $(docker network ls -q --filter "name=$NET" 2>/dev/null); do docker network rm "$n" >/dev/null 2>&1 || true; done
  rm -rf "$DIR"
}
trap cleanup EXIT

step "A test CA and a certificate for $HOSTNAME_"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout "$DIR/ca/ca.key" -out "$DIR/ca/ca.pem" -days 2 -subj '/CN=berth rehearsal CA' 2>/dev/null
openssl req "${ec[@]}" -keyout "$DIR/ca/server.key" -out "$DIR/ca/server.csr" -subj "/CN=$HOSTNAME_" 2>/dev/null
echo "subjectAltName=DNS:$HOSTNAME_" >"$DIR/ca/ext.cnf"
openssl x509 -req -in "$DIR/ca/server.csr" -CA "$DIR/ca/ca.pem" -CAkey "$DIR/ca/ca.key" -CAcreateserial \
  -out "$DIR/ca/server.pem" -days 2 -extfile "$DIR/ca/ext.cnf" 2>/dev/null

cat >"$HOME_/berth.env" <<EOF
BERTH_HOME=$HOME_
BERTH_PORT=$PORT
BERTH_ROUTER_PORT=$HTTP
BERTH_ROUTER_HTTPS_PORT=$HTTPS
BERTH_SSH_PORT=$SSH
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
BERTH_REDIS_PREFIX=$PREFIX
BERTH_NETWORK=$NET
BERTH_DOMAIN=localhost
EOF
chmod 600 "$HOME_/berth.env"
cp -a /usr/local/bin/. "$DIR/bin/"

step "bash deploy/install.sh --hostname $HOSTNAME_ --tls-cert … --tls-key …  (BERTH_HOME=$HOME_, ports $PORT-$SSH)"
set +e
env -i PATH="$PATH" HOME="$ROOT_HOME" BERTH_HOME="$HOME_" LANG=C.UTF-8 \
  unshare --mount bash -c '
    mount --bind "$1" /usr/local/bin && mount --bind "$2" /var/log/berth || exit 97
    # Where systemd runs, install.sh would rewrite and restart the host'"'"'s berth.service (this berth'"'"'s):
    # without /run/systemd/system it takes the deploy/berthd.sh path, which keeps to its BERTH_HOME.
    if [ -d /run/systemd ]; then mount --bind "$3" /run/systemd || exit 97; fi
    shift 3; exec bash "$@"' rehearse "$DIR/bin" "$DIR/log" "$DIR/no-systemd" \
  "$CHECKOUT/deploy/install.sh" --hostname "$HOSTNAME_" --tls-cert "$DIR/ca/server.pem" --tls-key "$DIR/ca/server.key" \
  >"$DIR/install.out" 2>&1
rc=$?
set -e
sed 's/^/  | /' "$DIR/install.out"
[ "$rc" = 0 ] || { tail -n 40 "$DIR/log/install.log" 2>/dev/null | sed 's/^/  log| /'; fail "install.sh exited $rc"; }

step "Checking what the install printed"
expect_line() { grep -qxF -- "$1" "$DIR/install.out" || fail "install.sh did not print the line: $1"; }
expect_line "       berth's address: $BASE/ (plain HTTP redirects there; the web port answers this host only)"
expect_line "       git remotes:     $BASE/git/<app>.git   ssh://berth@$HOSTNAME_:$SSH/<app>"
expect_line "                        berth login $BASE --user <name>"
expect_line "       users:           berth users:add <name> --role developer --password   # here; then apps:collaborators:add <app> <name>"
tgz=$(sed -n 's#^       from a laptop:   npm install -g \./\([^ ]*\) .*#\1#p' "$DIR/install.out")
[ -n "$tgz" ] && [ -f "$HOME_/$tgz" ] || fail "install.sh named no CLI tarball in $HOME_ (got '${tgz}')"
token=$(grep -A1 -F 'admin token (stored for root' "$DIR/install.out" | tail -n 1 | tr -d ' ')
[ -n "$token" ] || fail "install.sh printed no admin token"
info "ok: address, remotes, $tgz, an admin token"

step "HTTPS and the HTTP redirect, as a client naming $HOSTNAME_ sees them"
resolve=(--resolve "$HOSTNAME_:$HTTPS:127.0.0.1" --resolve "$HOSTNAME_:$HTTP:127.0.0.1")
got=$(curl -sS "${resolve[@]}" --cacert "$DIR/ca/ca.pem" "$BASE/healthz")
[ "$got" = '{"ok":true}' ] || fail "GET $BASE/healthz answered: $got"
got=$(curl -sS "${resolve[@]}" -o /dev/null -w '%{http_code} %{redirect_url}' "http://$HOSTNAME_:$HTTP/apps?x=1")
[ "$got" = "301 $BASE/apps?x=1" ] || fail "plain HTTP answered: $got"
info "ok: $BASE/healthz over TLS with the given certificate; HTTP 301 to HTTPS"

step "The packed CLI: npm install -g, berth login $BASE, git:remote"
(cd "$LAPTOP" && env -i PATH="$PATH" HOME="$LAPTOP" npm install -g --offline --no-audit --no-fund --prefix "$LAPTOP/prefix" "$HOME_/$tgz" >"$DIR/npm.out" 2>&1) \
  || { cat "$DIR/npm.out"; fail "npm install -g $tgz failed"; }
# The name must resolve for node's https client: a private mount namespace with its own /etc/hosts.
cp /etc/hosts "$DIR/hosts" && echo "127.0.0.1 $HOSTNAME_" >>"$DIR/hosts"
# On the server, as the install's output says: a developer with a password, collaborator on an app (root's CLI, logged in by the install).
server_berth() { env -i PATH="$PATH" HOME="$ROOT_HOME" NO_COLOR=1 "$CHECKOUT/bin/berth" "$@"; }
out=$(server_berth users:add ann --role developer --password <<<'rehearsal password' 2>&1) || fail "berth users:add failed: $out"
out=$(server_berth apps:create rehearsal 2>&1) || fail "berth apps:create failed: $out"
out=$(server_berth apps:collaborators:add rehearsal ann 2>&1) || fail "berth apps:collaborators:add failed: $out"
laptop_berth() {
  (cd "$LAPTOP/app" && unshare --mount bash -c 'mount --bind "$1" /etc/hosts || exit 97; shift; exec env -i PATH="$1" HOME="$2" NO_COLOR=1 berth "${@:3}"' \
    laptop "$DIR/hosts" "$LAPTOP/prefix/bin:$PATH" "$LAPTOP" "$@")
}
mkdir -p "$LAPTOP/app" && git -C "$LAPTOP/app" init -q -b main
out=$(laptop_berth login "$BASE" --user ann --ca-file "$DIR/ca/ca.pem" <<<'rehearsal password' 2>&1) || fail "berth login $BASE --user ann failed: $out"
[ "$out" = "-----> Logged in to $BASE; credentials saved in $LAPTOP/.config/berth/config.json" ] || fail "berth login printed: $out"
out=$(laptop_berth git:remote rehearsal 2>&1) || fail "berth git:remote failed: $out"
printf '%s\n' "$out" | grep -qxF "       HTTPS: $BASE/git/rehearsal.git" || fail "git:remote printed: $out"
printf '%s\n' "$out" | grep -qxF "       SSH:   ssh://berth@$HOSTNAME_:$SSH/rehearsal" || fail "git:remote printed: $out"
# The token the install printed is the admin's: it works over HTTPS too.
out=$(laptop_berth login "$BASE" --token "$token" --remote admin --ca-file "$DIR/ca/ca.pem" 2>&1) || fail "berth login --token failed: $out"
info "ok: ann logged in over HTTPS with her password; git:remote printed both URLs; the printed admin token logs in"
step "The --hostname install works (rehearsed beside the running berth, which was not touched)"

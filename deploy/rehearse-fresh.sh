#!/usr/bin/env bash
# Fresh-machine rehearsal: takes away what berth's scripts install, then runs the README's two
# commands from a clean clone of this checkout's HEAD, the way .ci/run does, and checks that every
# program of deploy/executables.txt is there afterwards. Root, Debian 12, no stdin needed.
#
#   bash deploy/rehearse-fresh.sh [--purge-only] [--no-test] [--all] [--dry-run]
#
#   1. apt-get purge the packages of deploy/executables.txt, groups berth and test, except KEEP
#      (below; --all purges those too and removes berth's images: for a disposable machine).
#      A package whose purge would take other packages with it is kept, and said so.
#   2. git clone HEAD into $BERTH_REHEARSAL_DIR (default /var/tmp/berth-rehearsal), without
#      node_modules or dist (npm ci runs as on a new machine); timed `bash deploy/install.sh`
#   3. every program of groups berth, base (and init where systemd runs) is on the PATH and comes
#      from the package the list names; base packages have Priority required
#   4. timed `npm test` (--no-test: only deploy/test-deps.sh, then the group test programs are
#      checked); the run fails unless npm test ends "tests: N passed, 0 failed"
# --purge-only stops after step 1 (.ci/run uses it before its own install.sh and npm test);
# --dry-run only says what step 1 would purge.
set -euo pipefail

CHECKOUT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
exec </dev/null

# Kept by default, because on a machine that runs other work they serve it right now: dockerd (all
# containers and images, rebuilt in minutes by deploy/images/bootstrap.sh), Redis and nginx (running
# daemons of berth and of tests), git (pushes in flight), ca-certificates (every TLS client on the
# host). Their install path in install.sh is the same `dpkg-query`/`apt-get install` as the rest.
KEEP=(docker.io redis-server redis-tools nginx git ca-certificates)

purge_only=0 run_tests=1 all=0 dry=0
for arg in "$@"; do
  case "$arg" in
    --purge-only) purge_only=1 ;;
    --dry-run) dry=1 ;;
    --no-test) run_tests=0 ;;
    --all) all=1 ;;
    *) echo "usage: $0 [--purge-only] [--no-test] [--all] [--dry-run]" >&2; exit 2 ;;
  esac
done

step() { echo "-----> $*"; }
info() { echo "       $*"; }
fail() { echo " !     $*" >&2; exit 1; }
installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]; }

[ "$(id -u)" = 0 ] || fail "run as root: it purges and installs Debian packages"
command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: the rehearsal is for Debian 12"

# ---------------------------------------------------------------- 1. purge
mapfile -t candidates < <( { bash "$CHECKOUT/deploy/packages-for.sh" berth; bash "$CHECKOUT/deploy/packages-for.sh" test; } | sort -u)
# What a purge of these packages would remove beyond them (apt-get's simulation).
# A purge apt-get refuses to plan counts as taking more.
takes_more() {
  local out
  out=$(apt-get -s purge "$@" 2>&1) || { echo "(apt-get cannot plan it: ${out##*$'\n'})"; return 0; }
  printf '%s\n' "$out" | awk '/^Purg /{print $2}' | grep -vxF -f <(printf '%s\n' "$@") || true
}
wanted=()
for p in "${candidates[@]}"; do
  installed "$p" || continue
  if [ "$all" = 0 ] && printf '%s\n' "${KEEP[@]}" | grep -qx "$p"; then info "keeping $p (in use by this machine; --all purges it)"; continue; fi
  wanted+=("$p")
done
# Only what goes alone: a purge that removes other packages too would change more than berth's own.
purge=()
if [ "${#wanted[@]}" -gt 0 ] && [ -z "$(takes_more "${wanted[@]}")" ]; then
  purge=("${wanted[@]}")
else
  for p in "${wanted[@]}"; do
    others=$(takes_more "$p")
    if [ -n "$others" ]; then info "keeping $p (purging it would also remove: $(echo "$others" | tr '\n' ' '))"; continue; fi
    purge+=("$p")
  done
fi
if [ "$dry" = 1 ]; then step "Would purge: ${purge[*]:-nothing}"; exit 0; fi
start=$SECONDS
if [ "${#purge[@]}" -gt 0 ]; then
  step "Purging ${purge[*]}"
  apt-get purge -y -q "${purge[@]}" >/dev/null
fi
if [ "$all" = 1 ]; then
  step "Removing berth's images"
  docker images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep '^berth/' | xargs -r docker rmi -f >/dev/null || true
fi
for p in "${purge[@]}"; do installed "$p" && fail "$p is still installed after apt-get purge"; done
info "purged ${#purge[@]} package(s) in $((SECONDS - start)) s"
[ "$purge_only" = 1 ] && exit 0

# ---------------------------------------------------------------- 2. clean clone + install.sh
dir=${BERTH_REHEARSAL_DIR:-/var/tmp/berth-rehearsal}
rm -rf "$dir/berth"
mkdir -p "$dir"
git clone -q "$CHECKOUT" "$dir/berth"
git -C "$dir/berth" checkout -q "$(git -C "$CHECKOUT" rev-parse HEAD)"
cd "$dir/berth"
step "bash deploy/install.sh in a clean clone ($dir/berth at $(git rev-parse --short HEAD))"
start=$SECONDS
bash deploy/install.sh
install_s=$((SECONDS - start))

# ---------------------------------------------------------------- 3. programs
step "Checking the programs of deploy/executables.txt"
# The package that installed PROGRAM found at PATH (dpkg knows a file by its unmerged /bin, /sbin name).
owner_of() {
  local f
  # The name itself first (redis-server is a link to redis-tools' redis-check-rdb), the target last
  # (awk is an alternative for mawk).
  for f in "$2" "/bin/$1" "/sbin/$1" "/usr/bin/$1" "/usr/sbin/$1" "$(readlink -f "$2")"; do
    dpkg -S "$f" 2>/dev/null | grep -v '^diversion' | tail -n 1 && return 0
  done
  return 0
}
check_group() {
  local group=$1 bad=0 program pkg g path owner
  while read -r program pkg g _; do
    [ "$g" = "$group" ] && [ "$program" != - ] || continue
    path=$(type -P "$program" 2>/dev/null || true)   # the program on the PATH, not a builtin of that name
    if [ -z "$path" ]; then echo " !     $program ($pkg, group $group) is not on the PATH" >&2; bad=1; continue; fi
    owner=$(owner_of "$program" "$path")
    case "$owner" in
      "$pkg:"*|*", $pkg:"*|*"$pkg, "*) ;;
      *) echo " !     $program is $path, which belongs to '${owner%%:*}', not $pkg" >&2; bad=1 ;;
    esac
    if [ "$group" = base ] && [ "$(dpkg-query -W -f='${Priority}' "$pkg")" != required ]; then
      echo " !     $pkg (group base) does not have Priority required: give it to install.sh (group berth)" >&2; bad=1
    fi
  done < <(grep -v '^[[:space:]]*#' deploy/executables.txt)
  return "$bad"
}
groups=(berth base)
[ -d /run/systemd/system ] && groups+=(init)
for g in "${groups[@]}"; do check_group "$g" || fail "programs of group $g are missing (above)"; done
info "groups ${groups[*]}: every program present, from its package"

# ---------------------------------------------------------------- 4. npm test
test_s=-
if [ "$run_tests" = 1 ]; then
  step "npm test"
  start=$SECONDS
  npm test 2>&1 | tee "$dir/npm-test.log" || true   # judged by its summary line below
  test_s=$((SECONDS - start))
  last=$(grep -E '^tests: [0-9]+ passed, [0-9]+ failed' "$dir/npm-test.log" | tail -n 1)
  [[ "$last" =~ ^tests:\ [0-9]+\ passed,\ 0\ failed ]] || fail "npm test did not end with 0 failed: ${last:-no summary line} (log: $dir/npm-test.log)"
else
  bash deploy/test-deps.sh
fi
check_group test || fail "programs of group test are missing (above)"

step "Rehearsal passed: install.sh ${install_s} s, npm test ${test_s} s (purged: ${purge[*]:-nothing})"

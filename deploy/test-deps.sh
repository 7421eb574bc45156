#!/usr/bin/env bash
# Installs what berth's tests and benchmarks need beyond berth itself (test/run.sh calls it as
# root): deploy/executables.txt, group test — chromium for the dashboard's browser tests, pebble
# for ACME tests against a local CA, wrk for the router bench, iproute2 for the swarm tests' second
# node, openssh-client for the SSH tests, openssh-server for import:dokku over ssh (a loopback sshd
# the test starts itself). Idempotent; quiet when all present.
set -euo pipefail
mapfile -t PACKAGES < <(bash "$(dirname "${BASH_SOURCE[0]}")/packages-for.sh" test)
missing=()
for p in "${PACKAGES[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo " !     test dependencies missing (${missing[*]}); run as root or: apt-get install ${missing[*]}" >&2
  exit 0
fi
echo "-----> Installing test dependencies: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# Packages with a service (openssh-server) must not start it here: the tests start their own, on loopback.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1; fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[ "$own_policy" = 1 ] && rm -f "$policy"
true

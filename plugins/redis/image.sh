#!/usr/bin/env bash
# Builds this plugin's service image locally FROM berth/base:bookworm with Debian packages
# (no registry needed). Skipped when the image exists, unless --force.
#
#   plugins/redis/image.sh [--force]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
image=$(node -e 'process.stdout.write(require(process.argv[1]).image)' "$here/plugin.json")
force=0
for arg in "$@"; do
  case "$arg" in --force|-f) force=1 ;; *) echo "usage: $0 [--force]" >&2; exit 2 ;; esac
done
if [ "$force" = 0 ] && docker image inspect "$image" >/dev/null 2>&1; then
  echo "       $image: already present"; exit 0
fi
echo "-----> Building $image (Debian packages, FROM ${BERTH_BASE_IMAGE:-berth/base:bookworm})"
docker build -q --build-arg "BASE=${BERTH_BASE_IMAGE:-berth/base:bookworm}" --label "berth.plugin=redis" -t "$image" "$here/image" >/dev/null
echo "       $image: built"

#!/usr/bin/env bash
# Builds every image berth needs, locally (no registry):
#   1. berth/base:bookworm        deploy/images/base.sh      (debootstrap)
#   2. berth/busybox:latest       deploy/images/busybox.sh   (FROM scratch + busybox-static)
#   3. buildpack runtime images   buildpacks/*/image.sh
#   4. service plugin images      plugins/*/image.sh
# Each script skips an image that exists; --force is passed on to rebuild them all.
#
#   deploy/images/bootstrap.sh [--force]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

step() { echo "-----> $*"; }
info() { echo "       $*"; }
fail() { echo " !     $*" >&2; exit 1; }

for arg in "$@"; do
  case "$arg" in
    --force|-f) ;;
    *) echo "usage: $0 [--force]" >&2; exit 2 ;;
  esac
done

command -v docker >/dev/null 2>&1 || fail "docker is not installed (run deploy/install.sh)"
if ! timeout 20 docker info >/dev/null 2>&1; then
  bash "$root/deploy/services.sh" ensure
fi

# berth's own images (not app releases berth/<app>:v<N>), as "name id" lines
berth_images() {
  docker images --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}' 2>/dev/null \
    | awk '$1 ~ /^berth\// && $1 !~ /:v[0-9]+$/ && $1 !~ /<none>/' | sort
}

scripts=("$here/base.sh")
[ -f "$here/busybox.sh" ] && scripts+=("$here/busybox.sh")
for s in "$root"/buildpacks/*/image.sh; do
  [ -f "$s" ] && scripts+=("$s")
done
# Service plugins' images (postgres, redis, mariadb): Debian packages on berth/base.
for s in "$root"/plugins/*/image.sh; do
  [ -f "$s" ] && scripts+=("$s")
done

info "${#scripts[@]} image recipes"
before=$(berth_images)
for s in "${scripts[@]}"; do
  rel=${s#"$root"/}
  step "Running $rel"
  if ! bash "$s" "$@"; then
    fail "image recipe $rel failed (see its output above)"
  fi
done
after=$(berth_images)

step "Image summary"
while read -r name id; do
  [ -n "$name" ] || continue
  old=$(awk -v n="$name" '$1 == n { print $2 }' <<<"$before")
  if [ -z "$old" ] || [ "$old" != "$id" ]; then
    info "$name: built"
  else
    info "$name: already present"
  fi
done <<<"$after"

#!/usr/bin/env bash
# Builds berth/base:bookworm, a minimal Debian 12 image, locally with debootstrap:
# no container registry is needed.
#
#   deploy/images/base.sh [--force]
#
# Skips the build when the image exists (unless --force). Mirror: $BERTH_DEBIAN_MIRROR,
# else the machine's own configured Debian mirror (/etc/apt/sources.list or
# /etc/apt/sources.list.d/*.sources), else http://deb.debian.org/debian.
set -euo pipefail

IMAGE=${BERTH_BASE_IMAGE:-berth/base:bookworm}
SUITE=bookworm
LOG_DIR=${BERTH_LOG_DIR:-/var/log/berth}
LOG="$LOG_DIR/base-image.log"

step() { echo "-----> $*"; }
info() { echo "       $*"; }
fail() { echo " !     $*" >&2; exit 1; }

force=0
for arg in "$@"; do
  case "$arg" in
    --force|-f) force=1 ;;
    *) echo "usage: $0 [--force]" >&2; exit 2 ;;
  esac
done

[ "$(id -u)" = 0 ] || fail "base.sh must run as root (debootstrap needs it)"
command -v docker >/dev/null 2>&1 || fail "docker is not installed (run deploy/install.sh)"
timeout 20 docker info >/dev/null 2>&1 || fail "docker does not answer: run 'bash deploy/services.sh ensure'"

if [ "$force" = 0 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  info "$IMAGE: already present"
  exit 0
fi

command -v debootstrap >/dev/null 2>&1 || fail "debootstrap is not installed (apt-get install debootstrap)"

# The first Debian mirror configured for $SUITE on this machine, or nothing.
configured_mirror() {
  local f
  if [ -r /etc/apt/sources.list ]; then
    awk -v suite="$SUITE" '
      /^[[:space:]]*deb[[:space:]]/ {
        sub(/^[[:space:]]*deb[[:space:]]+/, "")
        if ($0 ~ /^\[/) sub(/^\[[^]]*\][[:space:]]*/, "")
        if ($2 == suite) { print $1; exit }
      }' /etc/apt/sources.list
  fi
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    case "$f" in
      *.list)
        awk -v suite="$SUITE" '
          /^[[:space:]]*deb[[:space:]]/ {
            sub(/^[[:space:]]*deb[[:space:]]+/, "")
            if ($0 ~ /^\[/) sub(/^\[[^]]*\][[:space:]]*/, "")
            if ($2 == suite) { print $1; exit }
          }' "$f" ;;
      *.sources)
        # deb822 stanzas: Types / URIs / Suites / Enabled
        awk -v suite="$SUITE" '
          function flush() {
            if (types ~ /(^|[[:space:]])deb([[:space:]]|$)/ && enabled != "no" && uris != "") {
              n = split(suites, s, /[[:space:]]+/)
              for (i = 1; i <= n; i++) if (s[i] == suite) { split(uris, u, /[[:space:]]+/); print u[1]; found = 1; exit }
            }
            types = ""; uris = ""; suites = ""; enabled = ""
          }
          /^[[:space:]]*#/ { next }
          /^[[:space:]]*$/ { flush(); next }
          tolower($1) == "types:"   { $1 = ""; types = $0 }
          tolower($1) == "uris:"    { $1 = ""; sub(/^[[:space:]]+/, ""); uris = $0 }
          tolower($1) == "suites:"  { $1 = ""; suites = $0 }
          tolower($1) == "enabled:" { enabled = tolower($2) }
          END { if (!found) flush() }' "$f" ;;
    esac
  done
}

mirror=${BERTH_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$(configured_mirror | grep -E '^(https?|file)://' | head -n 1 || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}
mirror=${mirror%/}

# debootstrap downloads with wget, which ignores apt's proxy setting: pass it on.
if [ -z "${http_proxy:-}" ] && command -v apt-config >/dev/null 2>&1; then
  proxy=$(apt-config shell p Acquire::http::Proxy 2>/dev/null | sed -n "s/^p='\(.*\)'$/\1/p" || true)
  if [ -n "$proxy" ] && [ "$proxy" != DIRECT ]; then export http_proxy=$proxy; fi
fi

mkdir -p "$LOG_DIR"
tmp=$(mktemp -d "${BERTH_TMPDIR:-/var/tmp}/berth-base.XXXXXX")
rootfs="$tmp/rootfs"

cleanup() {
  # debootstrap may leave proc/sys mounted inside the target when it fails: unmount
  # everything below $tmp first, and never let rm cross into another file system.
  local m
  for m in $(awk -v p="$tmp/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$tmp" 2>/dev/null || true
}
trap cleanup EXIT

step "Building $IMAGE with debootstrap ($SUITE, minbase, mirror $mirror)"
info "log: $LOG"
start=$SECONDS
echo "==== $(date -u +%FT%TZ) debootstrap --variant=minbase $SUITE $rootfs $mirror" >"$LOG"
if ! debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >>"$LOG" 2>&1; then
  echo " !     debootstrap failed; last 40 lines of $LOG:" >&2
  tail -n 40 "$LOG" | sed 's/^/       /' >&2
  if [ -s "$rootfs/debootstrap/debootstrap.log" ]; then
    echo " !     last 40 lines of the target's debootstrap/debootstrap.log:" >&2
    tail -n 40 "$rootfs/debootstrap/debootstrap.log" | sed 's/^/       /' >&2
  fi
  fail "building $IMAGE failed at debootstrap (mirror $mirror; set BERTH_DEBIAN_MIRROR to use another)"
fi
info "debootstrap done ($((SECONDS - start))s)"

# Make the tree a good container image: no cached packages, no host identity.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/debootstrap
rm -rf "$rootfs"/var/lib/apt/lists/* # like the official images: run apt-get update first
rm -f "$rootfs/etc/hostname" "$rootfs/etc/machine-id" "$rootfs/var/lib/dbus/machine-id"
: >"$rootfs/etc/machine-id"
printf 'nameserver 127.0.0.1\n' >"$rootfs/etc/resolv.conf"   # docker mounts its own over it
mkdir -p "$rootfs/etc/apt/apt.conf.d"
cat >"$rootfs/etc/apt/apt.conf.d/90berth" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF

step "Importing $IMAGE into docker"
if ! tar --numeric-owner -C "$rootfs" -c . 2>>"$LOG" \
  | docker import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      --change 'CMD ["/bin/bash"]' \
      --message "berth base image: debootstrap --variant=minbase $SUITE $mirror" \
      - "$IMAGE" >>"$LOG" 2>&1; then
  tail -n 20 "$LOG" | sed 's/^/       /' >&2
  fail "docker import of $IMAGE failed: read $LOG"
fi

docker run --rm "$IMAGE" /bin/sh -c 'test -x /bin/bash && test -x /usr/bin/apt-get' >>"$LOG" 2>&1 \
  || fail "$IMAGE was imported but does not run: read $LOG"

size=$(docker image inspect -f '{{.Size}}' "$IMAGE" 2>/dev/null || echo 0)
info "$IMAGE: built ($((size / 1024 / 1024)) MB, $((SECONDS - start))s)"

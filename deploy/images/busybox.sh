#!/usr/bin/env bash
# Builds berth/busybox:latest — a FROM scratch image holding Debian's busybox-static, with
# every applet linked into /bin. Tests and fixture apps use it; nothing is pulled, since no
# registry is reachable on berth hosts.
#
# usage: deploy/images/busybox.sh [--force]
#   --force   rebuild even when the image exists
# env:
#   BERTH_BUSYBOX_IMAGE  image name (default berth/busybox:latest)
#   BUSYBOX_BIN          the static busybox binary (default /bin/busybox)
set -euo pipefail

IMAGE="${BERTH_BUSYBOX_IMAGE:-berth/busybox:latest}"
BUSYBOX_BIN="${BUSYBOX_BIN:-/bin/busybox}"
FORCE=0

say() { printf -- '-----> %s\n' "$*"; }
die() { printf 'busybox.sh: %s\n' "$*" >&2; exit 1; }

for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (try --help)" ;;
  esac
done

command -v docker >/dev/null 2>&1 || die "docker is not installed (apt-get install docker.io)"
docker info >/dev/null 2>&1 || die "the Docker Engine is not reachable; start dockerd first"

if [ "$FORCE" -eq 0 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "$IMAGE exists; skipping (use --force to rebuild)"
  exit 0
fi

[ -x "$BUSYBOX_BIN" ] || die "$BUSYBOX_BIN not found; install it with: apt-get install busybox-static"
# A dynamically linked busybox would fail inside a scratch image with a confusing 'no such file'.
if command -v file >/dev/null 2>&1; then
  file -L "$BUSYBOX_BIN" | grep -q 'statically linked' \
    || die "$BUSYBOX_BIN is not statically linked; install busybox-static (not busybox)"
elif ldd "$BUSYBOX_BIN" >/dev/null 2>&1; then
  die "$BUSYBOX_BIN is not statically linked; install busybox-static (not busybox)"
fi

CONTEXT="$(mktemp -d)"
trap 'rm -rf "$CONTEXT"' EXIT

say "preparing build context from $BUSYBOX_BIN ($("$BUSYBOX_BIN" | head -n1))"
mkdir -p "$CONTEXT/rootfs/bin" "$CONTEXT/rootfs/etc" "$CONTEXT/rootfs/tmp" "$CONTEXT/rootfs/www"
cp "$BUSYBOX_BIN" "$CONTEXT/rootfs/bin/busybox"
chmod 0755 "$CONTEXT/rootfs/bin/busybox"
chmod 1777 "$CONTEXT/rootfs/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
  > "$CONTEXT/rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$CONTEXT/rootfs/etc/group"

cat > "$CONTEXT/Dockerfile" <<'EOF'
FROM scratch
COPY rootfs/ /
# Exec form: there is no shell until busybox has installed its applet links.
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/bin
CMD ["sh"]
EOF

say "building $IMAGE"
docker build --pull=false --label berth.fixture=busybox -t "$IMAGE" "$CONTEXT"

docker run --rm "$IMAGE" sh -c 'command -v httpd >/dev/null' \
  || die "built $IMAGE but httpd is missing from it"
say "built $IMAGE"

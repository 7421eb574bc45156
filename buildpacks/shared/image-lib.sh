# Sourced by buildpacks/<name>/image.sh: builds a buildpack runtime image FROM the local
# berth/base:bookworm with Debian packages only (no registry is needed), adds the unprivileged
# `app` user (uid/gid 1000) and an empty /app owned by it.
#
# The caller sets, then calls `build_runtime_image "$@"`:
#   BP_NAME       buildpack name (the image is berth/buildpack-$BP_NAME:bookworm)
#   BP_PACKAGES   Debian packages to install (may be empty)
#   BP_CHECK      optional command run in the finished image to prove it works
#   BP_EXTRA      optional shell run as root after the packages are installed
# env: BERTH_BASE_IMAGE (default berth/base:bookworm), BERTH_BUILDPACK_IMAGE (override the name)

bp_step() { printf -- '-----> %s\n' "$*"; }
bp_info() { printf -- '       %s\n' "$*"; }
bp_fail() { printf -- ' !     %s\n' "$*" >&2; exit 1; }

build_runtime_image() {
  local force=0 arg
  for arg in "$@"; do
    case "$arg" in
      --force|-f) force=1 ;;
      -h|--help) printf 'usage: %s [--force]\n  builds %s (skipped when present unless --force)\n' "$0" "berth/buildpack-$BP_NAME:bookworm"; exit 0 ;;
      *) printf 'usage: %s [--force]\n' "$0" >&2; exit 2 ;;
    esac
  done

  local image=${BERTH_BUILDPACK_IMAGE:-berth/buildpack-$BP_NAME:bookworm}
  local base=${BERTH_BASE_IMAGE:-berth/base:bookworm}

  command -v docker >/dev/null 2>&1 || bp_fail "docker is not installed (run deploy/install.sh)"
  timeout 20 docker info >/dev/null 2>&1 || bp_fail "docker does not answer: start dockerd first (bash deploy/services.sh ensure)"

  if [ "$force" = 0 ] && docker image inspect "$image" >/dev/null 2>&1; then
    bp_info "$image: already present"
    return 0
  fi
  docker image inspect "$base" >/dev/null 2>&1 \
    || bp_fail "the base image $base is missing: build it first with 'bash deploy/images/base.sh'"

  local old
  old=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)

  local install=true
  if [ -n "${BP_PACKAGES// /}" ]; then
    install="apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $BP_PACKAGES && apt-get clean && rm -rf /var/lib/apt/lists/*"
  fi

  bp_step "Building $image from $base${BP_PACKAGES:+ (Debian: $BP_PACKAGES)}"
  local start=$SECONDS log
  log=$(mktemp "${TMPDIR:-/tmp}/berth-buildpack-$BP_NAME.XXXXXX.log")
  # No build context: the Dockerfile comes on stdin, so nothing from the host leaks in.
  if ! docker build --force-rm -t "$image" \
      --label "berth.buildpack=$BP_NAME" \
      - >"$log" 2>&1 <<DOCKERFILE
FROM $base
RUN set -e; $install; \
    groupadd --gid 1000 app; \
    useradd --uid 1000 --gid app --create-home --home-dir /home/app --shell /bin/sh app; \
    install -d -o app -g app /app; \
    ${BP_EXTRA:-true}
ENV PORT=5000
WORKDIR /app
DOCKERFILE
  then
    tail -n 30 "$log" | sed 's/^/       /' >&2
    rm -f "$log"
    bp_fail "building $image failed (is Debian's mirror reachable from docker build?)"
  fi
  rm -f "$log"
  # --force left the previous image untagged: drop it unless something still uses it.
  if [ -n "$old" ] && [ "$old" != "$(docker image inspect -f '{{.Id}}' "$image")" ]; then
    docker rmi "$old" >/dev/null 2>&1 || true
  fi

  if [ -n "${BP_CHECK:-}" ]; then
    local out
    out=$(docker run --rm --user app "$image" /bin/sh -c "$BP_CHECK" 2>&1) \
      || bp_fail "$image was built but '$BP_CHECK' fails in it: $out"
    bp_info "check: ${out//$'\n'/, }"
  fi
  local size
  size=$(docker image inspect -f '{{.Size}}' "$image" 2>/dev/null || echo 0)
  bp_info "$image: built ($((size / 1024 / 1024)) MB, $((SECONDS - start))s)"
}

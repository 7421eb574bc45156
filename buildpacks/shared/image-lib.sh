# Sourced by buildpacks/<name>/image.sh: builds a buildpack runtime image FROM the local
# berth/base:bookworm with Debian packages only (no registry is needed), adds the unprivileged
# `app` user (uid/gid 1000) and an empty /app owned by it.
#
# The caller sets, then calls `build_runtime_image "$@"`:
#   BP_NAME       buildpack name (the image is berth/buildpack-$BP_NAME:bookworm)
#   BP_PACKAGES   Debian packages to install (may be empty)
#   BP_CHECK      optional command run in the finished image to prove it works
#   BP_EXTRA      optional shell run as root after the packages are installed
#   BP_ENV        optional extra `ENV` assignments for the image
# env: BERTH_BASE_IMAGE (default berth/base:bookworm), BERTH_BUILDPACK_IMAGE (override the name),
#      BERTH_EXTRA_CA_CERTS: a PEM .crt file or a folder of them that the image should trust,
#      for hosts whose traffic to package registries passes a TLS-inspecting proxy. Default:
#      the host's locally added CAs (/usr/local/share/ca-certificates); "none" adds nothing.

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

  local ctx packages=$BP_PACKAGES ca_src=${BERTH_EXTRA_CA_CERTS:-/usr/local/share/ca-certificates} ncerts=0
  ctx=$(mktemp -d "${TMPDIR:-/tmp}/berth-buildpack-$BP_NAME.XXXXXX")
  # shellcheck disable=SC2064 # expand now: $ctx is local
  trap "rm -rf '$ctx'" EXIT
  # The build context holds only the Dockerfile and the CA certificates: nothing else from the host.
  local ca="$ctx/context/ca"
  mkdir -p "$ca"
  echo "CA certificates added by berth's buildpack image.sh" >"$ca/README"
  if [ "$ca_src" != none ]; then
    if [ -d "$ca_src" ]; then
      find "$ca_src" -maxdepth 2 -type f -name '*.crt' -exec cp {} "$ca/" \;
    elif [ -f "$ca_src" ]; then
      cp "$ca_src" "$ca/extra.crt"
    else
      bp_fail "BERTH_EXTRA_CA_CERTS=$ca_src is neither a file nor a folder"
    fi
    ncerts=$(find "$ca" -name '*.crt' | wc -l)
  fi
  if [ "$ncerts" -gt 0 ]; then
    case " $packages " in *" ca-certificates "*) ;; *) packages="$packages ca-certificates" ;; esac
  fi

  local install=true
  if [ -n "${packages// /}" ]; then
    install="apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages && apt-get clean && rm -rf /var/lib/apt/lists/*"
  fi

  bp_step "Building $image from $base${packages:+ (Debian:$packages)}"
  if [ "$ncerts" -gt 0 ]; then bp_info "trusting $ncerts extra CA certificate(s) from $ca_src"; fi
  local start=$SECONDS log="$ctx/build.log"
  cat >"$ctx/context/Dockerfile" <<DOCKERFILE
FROM $base
COPY ca/ /usr/local/share/ca-certificates/berth/
RUN set -e; $install; \\
    if ls /usr/local/share/ca-certificates/berth/*.crt >/dev/null 2>&1; then update-ca-certificates >/dev/null; fi; \\
    groupadd --gid 1000 app; \\
    useradd --uid 1000 --gid app --create-home --home-dir /home/app --shell /bin/sh app; \\
    install -d -o app -g app /app; \\
    ${BP_EXTRA:-true}
ENV PORT=5000 ${BP_ENV:-}
WORKDIR /app
DOCKERFILE
  if ! docker build --force-rm -t "$image" --label "berth.buildpack=$BP_NAME" "$ctx/context" >"$log" 2>&1; then
    tail -n 30 "$log" | sed 's/^/       /' >&2
    bp_fail "building $image failed (is Debian's mirror reachable from docker build?)"
  fi
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

#!/usr/bin/env bash
# Builds berth/buildpack-static:bookworm: busybox (its httpd serves the files).
#
#   buildpacks/static/image.sh [--force]
set -euo pipefail
BP_NAME=static
BP_PACKAGES="busybox"
BP_CHECK='busybox | head -n 1'
# shellcheck source=../shared/image-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../shared/image-lib.sh"
build_runtime_image "$@"

#!/usr/bin/env bash
# Builds berth/buildpack-procfile:bookworm: nothing but the app user: Procfile apps run on the base image.
#
#   buildpacks/procfile/image.sh [--force]
set -euo pipefail
BP_NAME=procfile
BP_PACKAGES=""
BP_CHECK='id app'
# shellcheck source=../shared/image-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../shared/image-lib.sh"
build_runtime_image "$@"

#!/usr/bin/env bash
# Builds berth/buildpack-python:bookworm: python3 and venv from Debian.
#
#   buildpacks/python/image.sh [--force]
set -euo pipefail
BP_NAME=python
BP_PACKAGES="python3 python3-venv ca-certificates"
BP_CHECK='python3 --version'
# shellcheck source=../shared/image-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../shared/image-lib.sh"
build_runtime_image "$@"

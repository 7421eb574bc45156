#!/usr/bin/env bash
# Builds berth/buildpack-python:bookworm: python3 and venv from Debian.
#
#   buildpacks/python/image.sh [--force]
set -euo pipefail
BP_NAME=python
BP_PACKAGES="python3 python3-venv ca-certificates"
BP_CHECK='python3 --version'
# Trust the system store (and the host's added CAs, see image-lib.sh) rather than a bundled one.
BP_ENV='PIP_CERT=/etc/ssl/certs/ca-certificates.crt'
# shellcheck source=../shared/image-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../shared/image-lib.sh"
build_runtime_image "$@"

#!/usr/bin/env bash
# Builds berth/buildpack-go:bookworm: Debian's Go toolchain; used as the build stage only (apps run FROM the base image).
#
#   buildpacks/go/image.sh [--force]
set -euo pipefail
BP_NAME=go
BP_PACKAGES="golang-go ca-certificates"
BP_CHECK='go version'
# The standard library, prebuilt with the flags the go buildpack's Dockerfile uses.
BP_EXTRA='mkdir -p /var/cache/go-build && GOCACHE=/var/cache/go-build CGO_ENABLED=0 go build -trimpath std'
# shellcheck source=../shared/image-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../shared/image-lib.sh"
build_runtime_image "$@"

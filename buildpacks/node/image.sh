#!/usr/bin/env bash
# Builds berth/buildpack-node:bookworm: Node.js and npm from Debian (Node 18 in bookworm). Apps do not
# run this Node.js: berth builds berth/node:<version> on top of it (buildpacks/node/Runtime.njk), and
# npm runs on Debian's Node.js there. libatomic1: the official Node.js 25+ binaries link it.
#
#   buildpacks/node/image.sh [--force]
set -euo pipefail
BP_NAME=node
BP_PACKAGES="nodejs npm ca-certificates libatomic1"
BP_CHECK='node --version && npm --version'
# Trust the system store (and the host's added CAs, see image-lib.sh) rather than a bundled one.
BP_ENV='NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt'
# shellcheck source=../shared/image-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../shared/image-lib.sh"
build_runtime_image "$@"

#!/usr/bin/env bash
# Builds every buildpack runtime image (each skipped when present unless --force).
#
#   buildpacks/images.sh [--force]
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
for script in "$here"/*/image.sh; do
  bash "$script" "$@"
done

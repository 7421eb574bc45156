#!/usr/bin/env bash
# Prints the Debian packages of one group of deploy/executables.txt, one per line, sorted:
#   bash deploy/packages-for.sh berth|test|base|init|prereq
# deploy/install.sh installs group berth, deploy/test-deps.sh group test.
set -euo pipefail
group=${1:?usage: $0 berth|test|base|init|prereq}
awk -v g="$group" '!/^[[:space:]]*#/ && NF >= 3 && $3 == g { print $2 }' \
  "$(dirname "${BASH_SOURCE[0]}")/executables.txt" | sort -u

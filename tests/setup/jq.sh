#!/usr/bin/env bash
# Makes sure Debian's jq is installed: the admin CLI tests check that `postern get --format json` parses with a JSON
# reader that is not Postern's. Does nothing and prints nothing when it is there.
set -euo pipefail

if command -v jq >/dev/null 2>&1; then
  exit 0
fi

printf '== installing jq for the admin CLI tests\n' >&2
# shellcheck source=apt.sh
source "$(dirname "$0")/apt.sh"
apt_install jq
command -v jq >/dev/null 2>&1 || { printf 'jq installed, but not on PATH\n' >&2; exit 1; }

#!/usr/bin/env bash
# Makes sure Debian's oathtool is installed: the second-factor tests compute TOTP codes with it, an implementation
# independent of Postern's. Does nothing and prints nothing when it is there.
set -euo pipefail

if command -v oathtool >/dev/null 2>&1; then
  exit 0
fi

printf '== installing oathtool for the second-factor tests\n' >&2
# shellcheck source=apt.sh
source "$(dirname "$0")/apt.sh"
apt_install oathtool
command -v oathtool >/dev/null 2>&1 || { printf 'oathtool installed, but not on PATH\n' >&2; exit 1; }

#!/usr/bin/env bash
# Makes sure Debian's oathtool is installed: the second-factor tests compute TOTP codes with it, an implementation
# independent of Postern's. Does nothing and prints nothing when it is there.
set -euo pipefail

if command -v oathtool >/dev/null 2>&1; then
  exit 0
fi

printf '== installing oathtool for the second-factor tests\n' >&2
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
install() { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends oathtool >/dev/null; }
install 2>/dev/null || { "${sudo[@]}" apt-get update -qq && install; }
command -v oathtool >/dev/null 2>&1 || { printf 'oathtool installed, but not on PATH\n' >&2; exit 1; }

#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser sign-in test, which drives it headless with the
# npm package playwright-core (installed with the other interoperability packages). Nothing here downloads a
# browser of its own. Does nothing and prints nothing when /usr/bin/chromium is there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

printf '== installing chromium for the browser sign-in test\n' >&2
# shellcheck source=apt.sh
source "$(dirname "$0")/apt.sh"
apt_install chromium
[ -x /usr/bin/chromium ] || { printf 'chromium installed, but /usr/bin/chromium is missing\n' >&2; exit 1; }

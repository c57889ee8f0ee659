#!/usr/bin/env bash
# Makes sure SoftHSM2 (a PKCS#11 token in files) is installed for the hardware-key tests, which make
# tokens of their own in a temporary folder (SOFTHSM2_CONF). Installs Debian's `softhsm2` when
# softhsm2-util or the module is missing; otherwise does nothing and prints nothing.
set -euo pipefail

module_present() {
  compgen -G '/usr/lib/softhsm/libsofthsm2.so' >/dev/null || compgen -G '/usr/lib/*/softhsm/libsofthsm2.so' >/dev/null
}

if command -v softhsm2-util >/dev/null 2>&1 && module_present; then
  exit 0
fi

printf '== installing softhsm2 for the hardware-key tests\n' >&2
# shellcheck source=apt.sh
source "$(dirname "$0")/apt.sh"
apt_install softhsm2
module_present || { printf 'softhsm2 installed, but no libsofthsm2.so in /usr/lib/softhsm or /usr/lib/*/softhsm\n' >&2; exit 1; }

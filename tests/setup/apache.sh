#!/usr/bin/env bash
# Makes sure Debian's Apache and its mod_auth_openidc are installed: the doctor tests put a real Apache, verifying the
# bearer assertion as an OAuth 2.0 resource server, behind Postern (the tests run it themselves, as the test user, with
# their own configuration; the package's own service is not used). Does nothing and prints nothing when it is there.
set -euo pipefail

module=/usr/lib/apache2/modules/mod_auth_openidc.so
if [ -x /usr/sbin/apache2 ] && [ -f "$module" ]; then
  exit 0
fi

printf '== installing apache2 and mod_auth_openidc for the doctor tests\n' >&2
# shellcheck source=apt.sh
source "$(dirname "$0")/apt.sh"
apt_install apache2 libapache2-mod-auth-openidc
[ -x /usr/sbin/apache2 ] || { printf 'apache2 installed, but not at /usr/sbin/apache2\n' >&2; exit 1; }
[ -f "$module" ] || { printf 'libapache2-mod-auth-openidc installed, but %s is missing\n' "$module" >&2; exit 1; }

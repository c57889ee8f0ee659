#!/usr/bin/env bash
# Makes sure Debian's nginx is installed: the assertion budget tests put a real nginx, with its default request header
# limits, behind Postern (the tests run it themselves, as the test user, from a temporary prefix; the package's own
# service is not used). Does nothing and prints nothing when it is there.
set -euo pipefail

if [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1; then
  exit 0
fi

printf '== installing nginx for the assertion budget tests\n' >&2
# shellcheck source=apt.sh
source "$(dirname "$0")/apt.sh"
apt_install nginx
[ -x /usr/sbin/nginx ] || { printf 'nginx installed, but not at /usr/sbin/nginx\n' >&2; exit 1; }

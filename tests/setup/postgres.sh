#!/usr/bin/env bash
# Makes sure a PostgreSQL server's programs are installed for the store tests, which start a throwaway
# server of their own (initdb, pg_ctl in /usr/lib/postgresql/<version>/bin). Installs Debian's `postgresql`
# when no initdb is there; otherwise does nothing and prints nothing. The package's own cluster is not used.
set -euo pipefail

if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  exit 0
fi

printf '== installing postgresql for the store tests\n' >&2
# shellcheck source=apt.sh
source "$(dirname "$0")/apt.sh"
apt_install postgresql
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || { printf 'postgresql installed, but no initdb in /usr/lib/postgresql/*/bin\n' >&2; exit 1; }

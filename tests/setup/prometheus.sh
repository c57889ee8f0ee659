#!/usr/bin/env bash
# Makes sure Debian's prometheus is installed: the observability tests run promtool on deploy/prometheus/ and start a
# real Prometheus that scrapes Postern and the agent. Does nothing and prints nothing when it is there.
set -euo pipefail

if [ -x /usr/bin/prometheus ] && command -v promtool >/dev/null 2>&1; then
  exit 0
fi

printf '== installing prometheus for the observability tests\n' >&2
# shellcheck source=apt.sh
source "$(dirname "$0")/apt.sh"
apt_install prometheus
# The package starts a service where there is an init system; the tests start their own, in a temporary folder.
command -v systemctl >/dev/null 2>&1 && as_root systemctl disable --now prometheus >/dev/null 2>&1 || true
[ -x /usr/bin/prometheus ] && command -v promtool >/dev/null 2>&1 || { printf 'prometheus installed, but /usr/bin/prometheus or promtool is missing\n' >&2; exit 1; }

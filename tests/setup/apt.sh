# Sourced by the installers in this folder: as_root runs a command as root (through sudo when this user is not),
# apt_install installs Debian packages quietly, refreshing the package lists only when the first attempt fails.
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

as_root() { "${sudo_cmd[@]}" "$@"; }

apt_install() {
  local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@")
  as_root "${install[@]}" >/dev/null 2>&1 || { as_root apt-get update -qq && as_root "${install[@]}" >/dev/null; }
}

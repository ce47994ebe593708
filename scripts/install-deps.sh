#!/bin/sh
# Installs the Debian packages zorgkiosk needs, only those that are missing.
# Usage: scripts/install-deps.sh build|check|bench|deb
set -eu

build="gcc make pkg-config libncurses-dev libsqlite3-dev libconfig-dev libjansson-dev libxlsxwriter-dev libssl-dev gettext libcups2-dev libspeechd-dev libicu-dev libfribidi-dev libcairo2-dev libpango1.0-dev fonts-dejavu-core"
check="$build python3 python3-pytest python3-pyte libcmocka-dev libvterm-dev sqlite3 tmux clang libclang-rt-14-dev locales openssh-server openssh-client python3-openpyxl debhelper dpkg-dev lintian e2fsprogs mount cups-daemon cups-client cups-filters poppler-utils age libreoffice-calc-nogui procps util-linux speech-dispatcher speech-dispatcher-audio-plugins msmtp python3-aiosmtpd faketime"
bench="$check dialog whiptail"
deb="$build debhelper dpkg-dev lintian"

case "${1:-build}" in
build) want=$build ;;
check) want=$check ;;
bench) want=$bench ;;
deb) want=$deb ;;
*) echo "usage: $0 build|check|bench|deb" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "Installing missing packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "Please install as root: apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing

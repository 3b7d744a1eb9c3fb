#!/bin/sh
# Make sure Qt's system libraries are present (Debian/Ubuntu).
# As root: install what is missing with apt-get. Otherwise: print the one
# sudo line that would do it, and stop.
set -eu
PKGS="libgl1 libegl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3 fonts-dejavu-core"
EXTRA="${EXTRA_PKGS:-}"
if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "syslibs: not a Debian-like system; make sure Qt 6's libraries (OpenGL, EGL, xkbcommon, fontconfig, GLib, D-Bus) and a font are installed"
    exit 0
fi
missing=""
for p in $PKGS $EXTRA; do
    # a package may be provided under a new name (Ubuntu's t64 renames): check both
    if ! dpkg-query -W -f='${Status}\n' "$p" "${p}t64" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ]; then
    echo "syslibs: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
else
    echo "Crosscase needs these system packages first; run:"
    echo "    sudo apt-get install -y$missing"
    exit 1
fi

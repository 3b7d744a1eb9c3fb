#!/bin/sh
# Make sure Qt's system libraries are present (Debian/Ubuntu).
# As root: install what is missing with apt-get. Otherwise: print the one
# sudo line that would do it, and stop.
#
# PKGS is what Qt needs on any platform (the tests run it offscreen). With a
# display (DISPLAY or WAYLAND_DISPLAY set), or as root for `make demo`, the
# X11 (xcb) platform plugin's libraries are needed too: XCB_PKGS follows what
# PySide6's libqxcb.so links against (ldd), and src/crosscase/ui/syslibs.py
# names the same packages when the workbench finds one missing.
#
# `make test` (GOALS has test) also needs PostgreSQL's server programs: the
# tests start a private server of their own (tests/pgserver.py). They come
# from Debian's postgresql package; the cluster that package may set up and
# start is never used.
set -eu
PKGS="libgl1 libegl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3 fonts-dejavu-core"
XCB_PKGS="libxcb1 libx11-6 libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1"
EXTRA="${EXTRA_PKGS:-}"
GOALS="${GOALS:-}"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    EXTRA="$EXTRA $XCB_PKGS"
elif [ "$(id -u)" = "0" ] && case " $GOALS " in *" demo "*) true ;; *) false ;; esac; then
    EXTRA="$EXTRA $XCB_PKGS"   # the demo opens a window when there is a display later
fi
NEEDS_PG=no
case " $GOALS " in *" test "*) NEEDS_PG=yes ;; esac
if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "syslibs: not a Debian-like system; make sure Qt 6's libraries (OpenGL, EGL, xkbcommon, fontconfig, GLib, D-Bus, and for a display the xcb libraries: xcb-cursor, xcb-icccm, xcb-image, xcb-keysyms, xcb-randr, xcb-render-util, xcb-shape, xcb-xfixes, xcb-xkb, xkbcommon-x11) and a font are installed"
    [ "$NEEDS_PG" = yes ] && echo "syslibs: the tests also need PostgreSQL's server programs (initdb, pg_ctl, postgres), version 15 or newer"
    exit 0
fi
if [ "$NEEDS_PG" = yes ] && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    EXTRA="$EXTRA postgresql"
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

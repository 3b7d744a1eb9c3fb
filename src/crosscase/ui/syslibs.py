"""Are the system libraries Qt needs there? Asked before Qt is loaded.

Qt's platform plugin is loaded when the QApplication is made; if a library it
links against is missing, Qt prints a long hint and aborts the process (exit
134), and the researcher learns nothing they can act on. So the workbench
first loads each library by its soname, as the dynamic loader will, and when
one is missing it stops with one line naming the Debian/Ubuntu packages to
install. No Qt here: this module must work when Qt itself cannot load.

The lists follow what PySide6's own libraries link against
(``ldd .../PySide6/Qt/plugins/platforms/libqxcb.so``); ``tools/syslibs.sh``
installs the same packages.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

#: soname -> Debian/Ubuntu package, for Qt itself (any platform plugin, offscreen too)
CORE: dict[str, str] = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libfontconfig.so.1": "libfontconfig1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}

#: soname -> package, for the X11 (xcb) platform plugin a real display uses
XCB: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}

#: platform plugins that need no window system at all
HEADLESS = {"offscreen", "minimal", "vnc"}


def platform(env: Mapping[str, str] | None = None) -> str:
    """The platform plugin Qt will try first: ``xcb``, ``wayland``, ``offscreen``…"""
    env = os.environ if env is None else env
    asked = env.get("QT_QPA_PLATFORM", "").strip()
    if asked:
        # "wayland;xcb" tries wayland first; a "name:options" form carries options
        return asked.split(";")[0].split(":")[0].strip().lower()
    if env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE", "").lower() == "wayland":
        return "wayland"
    return "xcb"


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing(
    plugin: str | None = None, *, loads: Callable[[str], bool] | None = None,
    system: str | None = None,
) -> dict[str, str]:
    """The libraries (soname -> package) that ``plugin`` needs and the loader cannot find."""
    loads = loads or _loads
    if not (system or sys.platform).startswith("linux"):
        return {}  # the wheels for Windows and macOS carry what they need
    plugin = platform() if plugin is None else plugin
    wanted = dict(CORE)
    if plugin == "xcb":
        wanted.update(XCB)
    return {so: pkg for so, pkg in wanted.items() if not loads(so)}


def problem(
    plugin: str | None = None, *, loads: Callable[[str], bool] | None = None,
    system: str | None = None,
) -> str | None:
    """One line saying what to install, or None when everything is there."""
    plugin = platform() if plugin is None else plugin
    gone = missing(plugin, loads=loads, system=system)
    if not gone:
        return None
    packages = " ".join(dict.fromkeys(gone.values()))
    where = ("Qt's X11 (xcb) platform plugin" if plugin == "xcb"
             else f"Qt (platform '{plugin}')")
    return (
        f"the workbench cannot open a window: {where} needs system libraries that are "
        f"missing ({', '.join(gone)}); install them with: sudo apt-get install -y {packages}"
    )


def check(env: Mapping[str, str] | None = None, *, loads: Callable[[str], bool] | None = None,
          system: str | None = None) -> str | None:
    """Why the workbench cannot start here, in one line, or None if it can."""
    env = os.environ if env is None else env
    plugin = platform(env)
    if (system or sys.platform).startswith("linux") and plugin == "xcb" and not env.get("DISPLAY"):
        return ("the workbench needs a display and none is set (DISPLAY is empty); "
                "without one, use crosscase demo --no-gui, or QT_QPA_PLATFORM=offscreen "
                "with crosscase gui --screenshot")
    return problem(plugin, loads=loads, system=system)

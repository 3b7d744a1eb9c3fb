"""Before Qt loads, the workbench checks the system libraries its platform plugin needs and
names the packages to install, instead of letting Qt abort the process (exit 134). The
message logic runs with a stand-in loader: no display is needed."""

from __future__ import annotations

from typing import Any

import pytest

from crosscase.ui import syslibs

LINUX = "linux"


def loader(missing: set[str]) -> Any:
    return lambda soname: soname not in missing


@pytest.mark.parametrize(("env", "plugin"), [
    ({}, "xcb"),
    ({"QT_QPA_PLATFORM": "offscreen"}, "offscreen"),
    ({"QT_QPA_PLATFORM": "wayland;xcb"}, "wayland"),
    ({"QT_QPA_PLATFORM": "xcb:nograb"}, "xcb"),
    ({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, "wayland"),
    ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "xcb"),
])
def test_the_platform_qt_will_try_first(env: dict[str, str], plugin: str) -> None:
    assert syslibs.platform(env) == plugin


def test_a_missing_xcb_library_is_named_with_its_package_in_one_line() -> None:
    env = {"DISPLAY": ":0"}
    why = syslibs.check(env, loads=loader({"libxcb-cursor.so.0", "libxcb-icccm.so.4"}),
                        system=LINUX)
    assert why is not None and "\n" not in why
    assert "xcb" in why and "libxcb-cursor.so.0" in why and "libxcb-icccm.so.4" in why
    assert why.endswith("sudo apt-get install -y libxcb-cursor0 libxcb-icccm4")


def test_offscreen_needs_only_qts_own_libraries() -> None:
    no_xcb = loader(set(syslibs.XCB))
    assert syslibs.check({"QT_QPA_PLATFORM": "offscreen"}, loads=no_xcb, system=LINUX) is None
    why = syslibs.check({"QT_QPA_PLATFORM": "offscreen"}, loads=loader({"libEGL.so.1"}),
                        system=LINUX)
    assert why is not None and why.endswith("sudo apt-get install -y libegl1")


def test_everything_there_or_not_linux_is_fine() -> None:
    assert syslibs.check({"DISPLAY": ":0"}, loads=loader(set()), system=LINUX) is None
    assert syslibs.check({}, loads=loader(set(syslibs.XCB)), system="win32") is None
    assert syslibs.check({}, loads=loader(set(syslibs.XCB)), system="darwin") is None


def test_no_display_says_so_instead_of_aborting() -> None:
    why = syslibs.check({}, loads=loader(set()), system=LINUX)
    assert why is not None and "needs a display" in why and "--no-gui" in why


def test_every_package_the_check_names_is_one_the_install_script_installs() -> None:
    import re
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "tools" / "syslibs.sh").read_text()
    listed = set(re.findall(r'^(?:XCB_)?PKGS="([^"]*)"', script, re.M)[0].split())
    listed |= set(re.findall(r'^XCB_PKGS="([^"]*)"', script, re.M)[0].split())
    assert set(syslibs.CORE.values()) <= listed
    assert set(syslibs.XCB.values()) <= listed


def test_the_probe_loads_real_libraries() -> None:
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("sonames are Linux's")
    assert syslibs._loads("libc.so.6")
    assert not syslibs._loads("libno-such-library-crosscase.so.9")


def test_crosscase_gui_prints_the_packages_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from crosscase.cli.main import main
    from crosscase.ui import app

    monkeypatch.setattr(app, "_running_app", lambda: None)  # as in a fresh process
    monkeypatch.setattr(syslibs, "_loads", loader({"libxcb-keysyms.so.1"}))
    monkeypatch.setattr(syslibs.sys, "platform", LINUX)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    created: list[bool] = []
    monkeypatch.setattr(app, "application", lambda: created.append(True))
    assert main(["gui"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and not created  # stopped before Qt made its application
    assert err == ("crosscase: the workbench cannot open a window: Qt's X11 (xcb) platform "
                   "plugin needs system libraries that are missing (libxcb-keysyms.so.1); "
                   "install them with: sudo apt-get install -y libxcb-keysyms1\n")

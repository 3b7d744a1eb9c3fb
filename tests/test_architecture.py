"""The core never imports Qt: every core module imports with PySide6 made unimportable."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import crosscase

CORE = ("domain", "db", "services", "commands", "io", "analysis", "exchange", "demo", "cli")


def core_modules() -> list[str]:
    root = Path(crosscase.__file__).parent
    out = []
    for info in pkgutil.walk_packages([str(root)], prefix="crosscase."):
        parts = info.name.split(".")
        if len(parts) > 1 and parts[1] in CORE:
            out.append(info.name)
    return out


def test_core_imports_without_qt() -> None:
    mods = core_modules()
    assert "crosscase.services.documents" in mods and "crosscase.cli.main" in mods
    script = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'PySide6' or name.startswith('PySide6.'):\n"
        "            raise ImportError('Qt is not allowed in the core')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import importlib\n"
        f"for m in {mods!r}:\n"
        "    importlib.import_module(m)\n"
        "assert not any(k.startswith('PySide6') for k in sys.modules)\n"
        "print('ok', len(sys.modules))\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ok")


def test_cli_help_does_not_load_heavy_libraries() -> None:
    script = (
        "import sys\n"
        "from crosscase.cli.main import build_parser\n"
        "build_parser()\n"
        "heavy = [m for m in ('PySide6', 'pandas', 'pdfminer', 'docx', 'sqlalchemy') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_layers_contract_holds() -> None:
    """import-linter's layers contract (pyproject.toml): nothing imports upward."""
    import shutil

    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe is not None, "import-linter is installed with the dev extras"
    root = Path(__file__).resolve().parents[1]
    r = subprocess.run([exe], capture_output=True, text=True, timeout=300, cwd=root)
    assert r.returncode == 0, r.stdout[-3000:]
    assert "Layers:" in r.stdout and "BROKEN" not in r.stdout

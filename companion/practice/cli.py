"""`companion practice-server [--port N] [--data-dir DIR]`: print the credentials as one JSON line, then serve."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="companion practice-server",
                                description="Local practice marketplace: a stand-in for every channel's platform.")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    p.add_argument("--data-dir", help="folder for practice.sqlite3 (default: <user data>/practice)")
    p.add_argument("--buyers", type=float, default=0.0, help="seconds between simulated buyer actions (0 = off)")
    p.add_argument("--seed", type=int, default=0, help="seed for the simulated buyers")
    return p


def main(argv: list[str] | None = None, default_dir: Path | None = None) -> int:
    """`default_dir`: where practice data lives without --data-dir (the caller knows the app's data folder)."""
    from companion.practice.server import PracticeMarketplace

    args = parser().parse_args(argv)
    if not args.data_dir and default_dir is None:
        parser().error("--data-dir is needed here")
    folder = Path(args.data_dir) if args.data_dir else Path(str(default_dir))
    market = PracticeMarketplace(folder, port=args.port).start()
    done = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(json.dumps(market.credentials()), flush=True)
    if args.buyers > 0:
        market.buyers.reseed(args.seed)
        market.buyers.start(args.buyers)
    try:
        while not done.wait(0.5):
            pass
    finally:
        market.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

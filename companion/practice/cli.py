"""`companion practice-server [--port N] [--data-dir DIR]`: print the credentials as one JSON line, then serve."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from companion.practice.network import LIMITS_OFF_PURPOSES, NetworkConfig


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="companion practice-server",
                                description="Local practice marketplace: a stand-in for every channel's platform.")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    p.add_argument("--data-dir", help="folder for practice.sqlite3 (default: <user data>/practice)")
    p.add_argument("--buyers", type=float, default=0.0, help="seconds between simulated buyer actions (0 = off)")
    p.add_argument("--seed", type=int, default=0, help="seed for the simulated buyers")
    p.add_argument("--latency-ms", type=float, default=0.0, help="each platform call answered after this many ms")
    p.add_argument("--jitter-ms", type=float, default=0.0, help="± this many ms on each call's latency (seeded)")
    p.add_argument("--network-seed", type=int, default=0, help="seed for the latency jitter")
    p.add_argument("--no-limits", metavar="PURPOSE", choices=sorted(LIMITS_OFF_PURPOSES),
                   help="turn the platforms' call limits off, only for: " + ", ".join(
                       f"{name} ({why})" for name, why in LIMITS_OFF_PURPOSES.items()))
    return p


def network_config(args: argparse.Namespace) -> NetworkConfig:
    """The wire the flags ask for (limits on unless --no-limits names a purpose)."""
    return NetworkConfig(latency_ms=args.latency_ms, jitter_ms=args.jitter_ms, seed=args.network_seed,
                         limits=args.no_limits is None, limits_off_for=args.no_limits or "")


def main(argv: list[str] | None = None, default_dir: Path | None = None) -> int:
    """`default_dir`: where practice data lives without --data-dir (the caller knows the app's data folder)."""
    from companion.practice.server import PracticeMarketplace

    args = parser().parse_args(argv)
    if not args.data_dir and default_dir is None:
        parser().error("--data-dir is needed here")
    folder = Path(args.data_dir) if args.data_dir else Path(str(default_dir))
    try:
        network = network_config(args)
    except ValueError as exc:
        parser().error(str(exc))
    market = PracticeMarketplace(folder, port=args.port, network=network).start()
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

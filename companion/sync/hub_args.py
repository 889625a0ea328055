"""The `companion hub …` command line's options, kept apart from the commands (sync/hub_cli.py) so building the
parser at every start of the app imports nothing heavier than argparse."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def add_hub_parser(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """`companion hub` and its subcommands; `common` adds the folder options every command takes."""
    h = sub.add_parser("hub", help="several laptops of one shop: a shared hub on PostgreSQL")
    common(h)
    cmds = h.add_subparsers(dest="hub_command", required=True, metavar="COMMAND")
    i = cmds.add_parser("init", help="create the shop's hub on an empty PostgreSQL and join it as the first laptop")
    i.add_argument("url", help="postgresql://ADMIN:PASSWORD@HOST:PORT/DBNAME (the admin login is not kept)")
    i.add_argument("--shop-name", help="the shop's name on the hub (default: the shop's name in Settings)")
    i.add_argument("--device-name", help="this laptop's name (default: the computer's name)")
    common(i)
    v = cmds.add_parser("invite", help="make a one-time join code for another laptop")
    v.add_argument("--hours", type=int, default=24, help="how long the code works (default 24)")
    common(v)
    j = cmds.add_parser("join", help="join the shop's hub with a code made by `companion hub invite`")
    j.add_argument("code")
    j.add_argument("--device-name", help="this laptop's name (default: the computer's name)")
    j.add_argument("--outlet", help="the outlet this laptop sells from (default: the main shop)")
    common(j)
    s = cmds.add_parser("status", help="whether this laptop is in a hub, what waits, the last sync")
    s.add_argument("--json", action="store_true", help="print the status as JSON")
    common(s)
    y = cmds.add_parser("sync", help="one hub round: send this laptop's changes, fetch the others'")
    y.add_argument("--once", action="store_true", required=True, help="one round, then exit (1 on a problem)")
    common(y)
    common(cmds.add_parser("devices", help="the laptops in the shop's hub"))
    r = cmds.add_parser("revoke", help="remove a laptop from the hub (a lost or sold laptop)")
    r.add_argument("device", help="the laptop's id (or its first characters, or its name)")
    common(r)
    common(cmds.add_parser("leave", help="this laptop leaves the hub and works alone (its records stay)"))
    t = cmds.add_parser("take-over", help="this laptop sends for an online shop from now on (the other stops)")
    t.add_argument("account", help="the online shop: its name, or its account id")
    common(t)

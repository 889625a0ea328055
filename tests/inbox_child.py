"""The child process of the inbox kill test (`python tests/inbox_child.py DATA ADMIN_URL`): the app's sync engine
with the app's own connectors and timeouts, sending whatever replies wait in the queue, round after round, until
it is killed. It prints "ready" once and "round <ok>" after each round, so the parent can follow it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sync_child import credentials_source

from companion.store.database import open_database
from companion.store.location import db_path
from companion.sync.engine import SyncEngine


def main(argv: list[str]) -> int:
    data_dir, admin_url = Path(argv[0]), argv[1]
    db_file = db_path(data_dir)
    open_database(db_file).close()
    engine = SyncEngine(db_file, credentials_source(admin_url))  # build_connector: the app's real HTTP timeouts
    print("ready", flush=True)
    while True:
        summary = engine.sync_once()
        print("round", int(summary.ok), flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

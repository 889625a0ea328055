"""Chat pictures kept on this laptop: downloaded once after a chat pull, so the inbox shows thumbnails offline.

Files go to `<data dir>/cache/images/<sha1 of the URL>.<ext>`. Only http(s) URLs, answers that say image/*, and at
most MAX_BYTES are kept. A picture that cannot be fetched now keeps its URL for the next round; nothing here ever
fails a sync round.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

import requests

from companion.services import inbox as inbox_service
from companion.services.change import Change
from companion.store import inbox as inbox_store
from companion.store.database import Database

log = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024
TIMEOUT = (3.05, 10.0)   # connect, read (seconds)
PER_ROUND = 20           # pictures per shop per round: a long backlog is fetched over a few rounds
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg", "image/gif": "gif", "image/webp": "webp",
              "image/bmp": "bmp"}


class NotAnImage(ValueError):
    """The URL is not http(s), or the answer is not a picture, or it is too big."""


def cache_dir(db: Database) -> Path:
    return db.path.parent / "cache" / "images"


def cache_images(db: Database, account_id: str, session: requests.Session | None = None) -> Change:
    """Download this shop's not-yet-cached chat pictures; failures are logged and retried next round."""
    change = Change()
    folder = cache_dir(db)
    http = session or requests.Session()
    try:
        for msg in inbox_store.uncached_images(db, account_id, PER_ROUND):
            url = str(msg.payload.get("image_url") or "")
            try:
                path = fetch(http, url, folder)
            except (requests.RequestException, OSError, NotAnImage) as exc:
                log.info("chat picture not downloaded (%s): %s", type(exc).__name__, exc)
                continue
            change |= inbox_service.record_cached_image(db, msg.id, url, str(path))
    finally:
        if session is None:
            http.close()
    return change


def fetch(http: requests.Session, url: str, folder: Path) -> Path:
    """The local copy of the picture at `url`, downloaded unless it is already there."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise NotAnImage(f"not a web address: {url[:80]}")
    name = hashlib.sha1(url.encode("utf-8")).hexdigest()
    known = sorted(folder.glob(name + ".*")) if folder.exists() else []
    if known:
        return known[0]
    with http.get(url, timeout=TIMEOUT, stream=True) as r:
        r.raise_for_status()
        kind = r.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not kind.startswith("image/"):
            raise NotAnImage(f"answer is {kind or 'untyped'}, not a picture")
        if int(r.headers.get("Content-Length") or 0) > MAX_BYTES:
            raise NotAnImage("picture too big")
        data = bytearray()
        for chunk in r.iter_content(64 * 1024):
            data += chunk
            if len(data) > MAX_BYTES:
                raise NotAnImage("picture too big")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.{EXTENSIONS.get(kind, 'img')}"
    part = path.with_suffix(path.suffix + ".part")
    part.write_bytes(bytes(data))
    os.replace(part, path)
    return path

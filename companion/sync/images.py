"""Chat pictures kept on this laptop: downloaded once after a chat pull, so the inbox shows thumbnails offline.

Files go to `<data dir>/cache/images/<sha1 of the URL>.<ext>`. A buyer's message decides the URL, so only what the
channel declares is fetched: https from its `ChannelSpec.picture_hosts` (a practice shop: only its own practice
marketplace on this computer), no redirects, answers that say image/*, at most MAX_BYTES. A refused picture keeps
its URL and is never fetched; one that cannot be fetched now is tried next round; nothing here fails a sync round.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

from companion.connectors import registry
from companion.services import inbox as inbox_service
from companion.services.change import Change
from companion.store import accounts as account_store
from companion.store import inbox as inbox_store
from companion.store.accounts import AccountRow
from companion.store.database import Database

log = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024
TIMEOUT = (3.05, 10.0)   # connect, read (seconds)
PER_ROUND = 20           # pictures per shop per round: a long backlog is fetched over a few rounds
LOOK_AT = 200            # uncached pictures looked at per round, so refused ones do not crowd out the rest
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg", "image/gif": "gif", "image/webp": "webp",
              "image/bmp": "bmp"}


class NotAnImage(ValueError):
    """The URL is not http(s), or the answer is not a picture, or it is too big."""


class NotAllowed(NotAnImage):
    """The URL is not https from the channel's picture hosts (nor the practice shop's own marketplace)."""


@dataclass(frozen=True)
class PictureHosts:
    """Where one shop's chat pictures may come from: https host suffixes, or one local practice address."""

    suffixes: tuple[str, ...] = ()
    practice: str = ""  # "127.0.0.1:port" of the practice marketplace (practice shops only)

    def allows(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
            host, port = (parts.hostname or "").lower().rstrip("."), parts.port
        except ValueError:  # a port that is not a number
            return False
        if parts.username is not None or parts.password is not None or not host:
            return False
        if self.practice:
            return parts.scheme in ("http", "https") and f"{host}:{port}" == self.practice
        return parts.scheme == "https" and port in (None, 443) and any(
            host == s or host.endswith("." + s) for s in self.suffixes)


def hosts_for(account: AccountRow) -> PictureHosts:
    """A practice shop: its own marketplace on this computer only; a real shop: its channel's declared hosts."""
    if account.practice:
        parts = urlsplit(account.base_url or "")
        local = (parts.hostname or "") in LOCAL_HOSTS and parts.port is not None
        return PictureHosts(practice=f"{parts.hostname}:{parts.port}" if local else "")
    spec = registry.find(account.channel)
    return PictureHosts(suffixes=tuple(h.lower() for h in spec.picture_hosts) if spec else ())


def cache_dir(db: Database) -> Path:
    return db.path.parent / "cache" / "images"


def cache_images(db: Database, account_id: str, session: requests.Session | None = None) -> Change:
    """Download this shop's not-yet-cached chat pictures; failures are logged and retried next round."""
    change = Change()
    account = account_store.get(db, account_id)
    if account is None:
        return change
    allowed = hosts_for(account)
    folder = cache_dir(db)
    http = session or requests.Session()
    try:
        wanted = [m for m in inbox_store.uncached_images(db, account_id, LOOK_AT)
                  if allowed.allows(str(m.payload.get("image_url") or ""))]
        for msg in wanted[:PER_ROUND]:
            url = str(msg.payload.get("image_url") or "")
            try:
                path = fetch(http, url, folder, allowed)
            except (requests.RequestException, OSError, NotAnImage) as exc:
                log.info("chat picture not downloaded (%s): %s", type(exc).__name__, exc)
                continue
            change |= inbox_service.record_cached_image(db, msg.id, url, str(path))
    finally:
        if session is None:
            http.close()
    return change


def any_channel_hosts() -> PictureHosts:
    """Every registered channel's declared picture hosts (when the shop is not known)."""
    return PictureHosts(suffixes=tuple(h.lower() for spec in registry.channels() for h in spec.picture_hosts))


def fetch(http: requests.Session, url: str, folder: Path, allowed: PictureHosts | None = None) -> Path:
    """The local copy of the picture at `url`, downloaded unless it is already there; NotAllowed before any byte
    leaves when `allowed` (default: any registered channel's picture hosts) does not take the URL."""
    if not (allowed or any_channel_hosts()).allows(url):
        raise NotAllowed(f"not a picture address of this shop's platform: {url[:80]}")
    name = hashlib.sha1(url.encode("utf-8")).hexdigest()
    known = sorted(folder.glob(name + ".*")) if folder.exists() else []
    if known:
        return known[0]
    with http.get(url, timeout=TIMEOUT, stream=True, allow_redirects=False) as r:
        if r.is_redirect or r.is_permanent_redirect:
            raise NotAllowed("the picture address sends elsewhere")
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

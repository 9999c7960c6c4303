"""The one way a scan's device key becomes the key its moves are posted under.

A device makes a key for each scan (scanner.js: a UUID), so that a scan sent twice posts once.
What arrives is whatever a client sent: nothing, blanks, 10,000 characters, a NUL. Move.key
holds 100 characters, and the undo of a post is keyed from the post's key: both must fit.
"""

import hashlib
import uuid

LONGEST = 100  # Move.key, ScanLog.key
# A device key is kept as it came up to this length; a flow's name (≤ 30), it and "undo:" fit.
KEPT = 64


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def device_key(key: str) -> str:
    """A device's key as Floor keeps it (in the ledger and in the scan log): itself when short and
    plain, else its digest (the same for the same key); "" when it is missing or blank."""
    if not key or key.isspace():
        return ""
    if len(key) <= KEPT and key.isascii() and key.isprintable():
        return key  # a UUID: as every key posted before this function was
    return _digest(key)


def scan_key(flow: str, key: str) -> str:
    """The ledger key of what a scan posts in `flow` ("move", "pick"…). A replay of the same
    device key posts nothing new; a scan without one cannot be told from a new scan, so it gets a
    key of its own rather than share one with every other keyless scan."""
    return f"{flow}:{device_key(key) or uuid.uuid4().hex}"


def undo_key(key: str) -> str:
    """The ledger key of the post that reverses the one keyed `key`: it is reversed once."""
    undo = f"undo:{key}"
    return undo if len(undo) <= LONGEST else f"undo:{_digest(key)}"

"""Readers for the read-pool tests; module level so worker processes can import them."""

from __future__ import annotations

import os
import time

from parsers.read import read_reply
from parsers.types import ReadContext, Reading


def hostile_read(raw: bytes, context: ReadContext) -> Reading:
    """The real reader, except that it hangs on HANG-READER and kills its process on
    CRASH-READER (a reader bug or a native crash on some input)."""
    if b"HANG-READER" in raw:
        time.sleep(600)
    if b"CRASH-READER" in raw:
        os._exit(3)
    return read_reply(raw, context)

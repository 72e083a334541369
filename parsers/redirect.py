"""The address a customer tells us to write to instead ("please send invoices to ap@...").

``find_redirect_address`` looks in the customer's own text first (plain and obfuscated forms
such as "accounts [at] example [dot] com"), skipping the sender's own address and the seller's
addresses; when the text points at someone copied in ("adding Jane (cc'd)", "en copie"), the
first Cc address that is neither the sender nor the seller is used.
"""

from __future__ import annotations

import re

__all__ = ["find_addresses", "find_redirect_address", "mentions_cc"]

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?![\w-])")
_OBFUSCATED = re.compile(
    r"(?<![\w.+-])(?P<local>[\w.+-]+)\s*(?:\[at\]|\(at\)|\{at\}|\sat\s)\s*(?P<domain>[\w-]+"
    r"(?:(?:\s*(?:\[dot\]|\(dot\)|\{dot\})\s*|\sdot\s|\.)[\w-]+)+)", re.IGNORECASE)
_DOT = re.compile(r"\s*(?:\[dot\]|\(dot\)|\{dot\}|\sdot\s|\.)\s*", re.IGNORECASE)
_CC_WORDS = re.compile(
    r"\b(?:cc'?d|cc:?|copied|copying|in copy|adding|added|looping in|loop in|en copie|mis en copie"
    r"|in kopie|in cc|en copia|copiado|em cópia|in copia|in cc gezet|toegevoegd|hinzugefügt)\b", re.IGNORECASE)


def find_addresses(text: str) -> list[str]:
    """Email addresses written in ``text`` (de-obfuscated, lower case), in order, no duplicates."""
    found: list[tuple[int, str]] = []
    for m in _EMAIL.finditer(text[:20_000]):
        found.append((m.start(), m.group(0).rstrip(".").lower()))
    for m in _OBFUSCATED.finditer(text[:20_000]):
        domain = _DOT.sub(".", m["domain"]).strip(".")
        if "." in domain:
            found.append((m.start(), f"{m['local']}@{domain}".lower()))
    out: list[str] = []
    for _, address in sorted(found):
        if address not in out:
            out.append(address)
    return out


def mentions_cc(text: str) -> bool:
    return bool(_CC_WORDS.search(text))


def find_redirect_address(text: str, own: str | None = None, seller: tuple[str, ...] = (),
                          cc: tuple[str, ...] = ()) -> str | None:
    """The address to write to, or ``None``; never raises."""
    skip = {a.lower() for a in seller if a}
    if own:
        skip.add(own.lower())
    for address in find_addresses(text):
        if address not in skip:
            return address
    if mentions_cc(text):
        for address in cc:
            if address and address.lower() not in skip:
                return address.lower()
    return None

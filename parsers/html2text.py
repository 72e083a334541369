"""HTML mail bodies to plain text, so the quote splitter sees the structure a reader sees.

Contract: ``html_to_text(html)`` never raises and runs in time linear in its input (the
input is capped at ``max_chars`` first). Blockquotes become ``> `` prefixed lines, block
elements become line breaks, ``<br>`` a line break, list items ``- `` bullets; scripts,
styles and the document head are dropped; entities are decoded. Quoted history in
``<blockquote>`` is rendered as ``>`` quoted text, so the quote splitter treats HTML
replies like plain-text ones.

The html2text package on PyPI is GPL, so this is a small converter of our own on top of
the standard library's ``html.parser``.
"""

from __future__ import annotations

import html as html_lib
import re

MAX_HTML_CHARS = 300_000
"""Markup fed to the (pure Python, ~0.5 us/char) parser after invisible blocks are removed."""
MAX_RAW_HTML_CHARS = 2_000_000

_BLOCK = frozenset(
    ["p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "table", "tr", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "address", "center", "form", "fieldset", "hr", "title"]
)
_SKIP = frozenset({"script", "style", "head", "template", "noscript", "svg", "object"})
_MAX_QUOTE_PREFIX = 8  # deeper quote levels render like the 8th (bounded output)
_MAX_STACK = 400  # deeper element nesting is treated as inline (bounded time)
_VOID = frozenset(["br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "param", "source", "track", "wbr"])


def _is_quote_container(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """True for elements that mail clients use to wrap quoted history.

    ``<blockquote>`` (Gmail, Outlook web, Thunderbird, Apple Mail use it, often with
    ``type="cite"``). Containers such as Gmail's ``gmail_quote`` div also hold the
    "On ... wrote:" attribution, which must stay visible for the quote splitter, so they
    are not themselves rendered quoted.
    """
    return tag == "blockquote"


_TOKEN_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:_-]*)[^>]*>|<![^>]*>|<\?[^>]*>|([^<]+|<)")


class _TextBuilder:
    """Collects text lines from tag and text events (see ``_feed``)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []
        self.quote_depth = 0
        self.skip_depth = 0
        self.pre_depth = 0
        self.stack: list[tuple[str, bool]] = []  # (tag, opened a quote)

    # -- output helpers
    def _flush(self) -> None:
        text = "".join(self.current)
        if not self.pre_depth:
            text = re.sub(r"[ \t\r\n\f\u200b]+", " ", text).strip()
        prefix = "> " * min(self.quote_depth, _MAX_QUOTE_PREFIX)
        if text or self.lines and self.lines[-1].strip("> ").strip():
            for piece in text.split("\n") if text else [""]:
                self.lines.append((prefix + piece).rstrip() if prefix or piece else "")
        self.current = []

    def _newline(self) -> None:
        self._flush()

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
            self.stack.append((tag, False))
            return
        if tag == "br":
            self._newline()
            return
        if tag in _VOID:
            if tag == "hr":
                self._newline()
                self.current.append("-" * 20)
                self._newline()
            return
        if len(self.stack) >= _MAX_STACK:
            return
        quote = _is_quote_container(tag, attrs)
        if tag in _BLOCK or tag == "li" or quote:
            self._newline()
        if quote:
            self.quote_depth += 1
        if tag == "pre":
            self.pre_depth += 1
        if tag == "li":
            self.current.append("- ")
        if tag in ("td", "th"):
            self.current.append(" ")
        self.stack.append((tag, quote))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        # pop to the matching open tag (tolerates unclosed inner tags)
        for i in range(len(self.stack) - 1, max(-1, len(self.stack) - 50), -1):
            if self.stack[i][0] == tag:
                break
        else:
            return
        for open_tag, quote in reversed(self.stack[i:]):
            if open_tag in _SKIP:
                self.skip_depth = max(0, self.skip_depth - 1)
                continue
            if open_tag in _BLOCK or open_tag == "li" or quote:
                self._newline()
            if quote:
                self.quote_depth = max(0, self.quote_depth - 1)
            if open_tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)
        del self.stack[i:]

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.pre_depth:
            lines = data.split("\n")
            for j, piece in enumerate(lines):
                if j:
                    self._newline()
                self.current.append(piece)
            return
        self.current.append(data)


_INVISIBLE = ("style", "script", "head", "xml", "title", "template")


def _drop_invisible(html: str) -> str:
    """Remove comments and style/script/head blocks with plain string search (linear time).

    Outlook HTML carries tens of kilobytes of styles and conditional comments; dropping them
    before parsing keeps the slow part small. An unclosed block swallows the rest, as a
    browser would.
    """
    lower = html.lower()
    out: list[str] = []
    pos = 0
    n = len(html)
    while pos < n:
        starts = [(lower.find("<!--", pos), "<!--")] + [(lower.find("<" + tag, pos), tag) for tag in _INVISIBLE]
        starts = [(i, t) for i, t in starts if i >= 0]
        if not starts:
            out.append(html[pos:])
            break
        start, tag = min(starts)
        if tag != "<!--":
            after = start + 1 + len(tag)
            if after < n and (lower[after].isalnum() or lower[after] in "-_:"):
                # "<header>", "<titlebar>": not the tag we are looking for
                out.append(html[pos:after])
                pos = after
                continue
        out.append(html[pos:start])
        closing = "-->" if tag == "<!--" else "</" + tag
        end = lower.find(closing, start + 4)
        if end < 0:
            break
        gt = lower.find(">", end)
        pos = (gt + 1) if gt >= 0 else n
        out.append(" ")
    return "".join(out)


def _feed(builder: _TextBuilder, markup: str) -> None:
    """Tokenise with one regular expression (the stdlib HTMLParser is ~5x slower) and replay
    start tags, end tags and text into ``builder``. Entities are decoded in text only."""
    for match in _TOKEN_RE.finditer(markup):
        closing, tag, text = match.group(1), match.group(2), match.group(3)
        if tag is not None:
            tag = tag.lower()
            if closing:
                builder.handle_endtag(tag)
            else:
                builder.handle_starttag(tag, [])
                if match.group(0).endswith("/>") and tag not in _VOID:
                    builder.handle_endtag(tag)
        elif text is not None:
            builder.handle_data(html_lib.unescape(text) if "&" in text else text)


def html_to_text(html: str, *, max_chars: int = MAX_HTML_CHARS) -> str:
    """Render ``html`` as plain text (see module docstring). Never raises."""
    if not html:
        return ""
    try:
        html = _drop_invisible(html[:MAX_RAW_HTML_CHARS])
    except Exception:  # noqa: BLE001 - fail open: parse the markup as it is
        html = html[:MAX_RAW_HTML_CHARS]
    html = html[:max_chars]
    builder = _TextBuilder()
    try:
        _feed(builder, html)
    except Exception:  # noqa: BLE001, S110 - html.parser is lenient, but fail open on anything odd
        pass
    try:
        builder._flush()
    except Exception:  # noqa: BLE001, S110 - fail open
        pass
    text = "\n".join(builder.lines)
    text = text.replace("\xa0", " ")
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()

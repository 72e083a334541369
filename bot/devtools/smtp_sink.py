"""An embedded SMTP server (aiosmtpd) that records what it receives, on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Delivered:
    mail_from: str
    rcpt_to: tuple[str, ...]
    raw: bytes

    def message(self) -> Message:
        return message_from_bytes(self.raw)


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: Any) -> str:
        if address.lower() in self.sink.reject:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        with self.sink.lock:
            self.sink.delivered.append(Delivered(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(raw)))
        return "250 2.0.0 Ok: queued"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SmtpSink:
    """``with SmtpSink() as sink:`` … ``sink.take()`` returns and clears what arrived."""

    port: int = 0
    reject: set[str] = field(default_factory=set)   # addresses answered with 550 at RCPT
    delivered: list[Delivered] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _controller: Controller | None = None

    def start(self) -> SmtpSink:
        self.port = self.port or free_port()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port,
                                      data_size_limit=50 * 1024 * 1024)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def take(self) -> list[Delivered]:
        with self.lock:
            out, self.delivered = self.delivered, []
        return out

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

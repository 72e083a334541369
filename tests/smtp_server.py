"""A real aiosmtpd server on 127.0.0.1 for sender tests and benchmarks: a sink that records
what it receives, with optional scripted faults (replies, or dropping the connection at a
chosen point of the SMTP transaction).

Script hooks (each returns None for "behave normally"):

* ``on_rcpt(address) -> "drop" | "NNN text" | None``
* ``on_data_command(mail_from) -> "drop" | "NNN text" | None`` (before the 354)
* ``on_data_end(content) -> "drop" | "accept-drop" | "NNN text" | None`` after the final dot:
  ``accept-drop`` records the message as received, then closes without replying (the
  server has the message but the client never learns it).
"""

from __future__ import annotations

import base64
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult

MSGID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message_id(self) -> str:
        m = MSGID.search(self.content)
        return m.group(1).decode() if m else ""


@dataclass
class Recorder:
    keep_content: bool = True
    messages: list[Received] = field(default_factory=list)
    data_commands: list[str] = field(default_factory=list)   # envelope sender at each DATA
    connections: int = 0
    on_rcpt: Callable[[str], str | None] | None = None
    on_data_command: Callable[[str], str | None] | None = None
    on_data_end: Callable[[bytes], str | None] | None = None
    # AUTH (required when either is set): login -> password, login -> XOAUTH2 token
    users: dict[str, str] | None = None
    tokens: dict[str, str] | None = None
    auth_log: list[tuple[str, str]] = field(default_factory=list)    # (mechanism, login)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m.message_id for m in self.messages]


class _Handler:
    def __init__(self, rec: Recorder) -> None:
        self.rec = rec

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        act = self.rec.on_rcpt(address) if self.rec.on_rcpt else None
        if act == "drop":
            server.transport.close()
            return "421 closing"
        if act:
            return act
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content
        act = self.rec.on_data_end(content) if self.rec.on_data_end else None
        if act in (None, "accept-drop"):
            with self.rec.lock:
                self.rec.messages.append(Received(
                    envelope.mail_from, list(envelope.rcpt_tos),
                    content if self.rec.keep_content else content[:4096]))
        if act in ("drop", "accept-drop"):
            server.transport.close()
            return "421 closing"
        return act or "250 OK queued"

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:
        """``AUTH XOAUTH2 base64("user=U\\x01auth=Bearer T\\x01\\x01")`` (RFC-less, Google's)."""
        try:
            fields = dict(part.split("=", 1) for part in
                          base64.b64decode(args[1]).decode().split("\x01") if part)
            login, token = fields["user"], fields["auth"].removeprefix("Bearer ")
        except Exception:  # noqa: BLE001
            return AuthResult(success=False, handled=False, message="501 5.5.2 bad XOAUTH2")
        return server._authenticate("XOAUTH2", (login, token))  # type: ignore[no-any-return]


def _authenticator(rec: Recorder) -> Callable[..., AuthResult]:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if mechanism == "XOAUTH2":
            login, token = data
            ok = (rec.tokens or {}).get(login) == token
        else:
            login = data.login.decode()
            ok = (rec.users or {}).get(login) == data.password.decode()
        if ok:
            with rec.lock:
                rec.auth_log.append((mechanism, login))
        return AuthResult(success=ok, handled=False, auth_data=data)

    return check


class _RecordingSMTP(SMTP):
    recorder: Recorder

    def connection_made(self, transport: Any) -> None:
        with self.recorder.lock:
            self.recorder.connections += 1
        super().connection_made(transport)

    async def smtp_DATA(self, arg: str) -> None:
        mail_from = self.envelope.mail_from if self.envelope else ""
        with self.recorder.lock:
            self.recorder.data_commands.append(mail_from or "")
        act = self.recorder.on_data_command(mail_from or "") if self.recorder.on_data_command else None
        if act == "drop":
            assert self.transport is not None
            self.transport.close()
            return
        if act:
            await self.push(act)
            return
        await super().smtp_DATA(arg)


class SinkController(Controller):
    def __init__(self, rec: Recorder, port: int | None = None, *, tls: str | None = None,
                 server_ctx: Any = None) -> None:
        """``tls``: None, ``"starttls"`` (offered and required) or ``"tls"`` (implicit)."""
        auth: dict[str, Any] = {}
        if tls == "starttls":
            auth.update(tls_context=server_ctx, require_starttls=True)
        elif tls == "tls":
            auth.update(ssl_context=server_ctx)
        if rec.users is not None or rec.tokens is not None:
            auth.update(auth_required=True, auth_require_tls=False,
                        authenticator=_authenticator(rec))
        super().__init__(_Handler(rec), hostname="127.0.0.1", port=port or free_port(),
                         data_size_limit=None, **auth)
        self.recorder = rec

    def factory(self) -> SMTP:
        smtp = _RecordingSMTP(self.handler, **self.SMTP_kwargs)
        smtp.recorder = self.recorder
        return smtp


def start_sink(rec: Recorder | None = None, port: int | None = None, *, tls: str | None = None,
               server_ctx: Any = None) -> SinkController:
    ctl = SinkController(rec or Recorder(), port, tls=tls, server_ctx=server_ctx)
    ctl.start()
    with ctl.recorder.lock:
        ctl.recorder.connections = 0      # forget the controller's own readiness probe
    return ctl


def main() -> None:
    """``python -m tests.smtp_server --port P [--record FILE]``: a sink process.

    Prints ``ready PORT`` once listening; with ``--record`` appends the Message-ID of every
    message it accepts (one per line, flushed) and, on lines ``DATA <envelope sender>``,
    each DATA command it sees, so another process can count what arrived.
    """
    import argparse
    import signal
    import sys

    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--record")
    args = ap.parse_args()
    rec = Recorder(keep_content=False)
    if args.record:
        out = open(args.record, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - open for the process life

        class _Log(list):  # type: ignore[type-arg]
            def __init__(self, prefix: str, key: Callable[[Any], str]) -> None:
                super().__init__()
                self.prefix, self.key = prefix, key

            def append(self, item: Any) -> None:
                out.write(f"{self.prefix}{self.key(item)}\n")

        rec.messages = _Log("MSG ", lambda m: m.message_id)
        rec.data_commands = _Log("DATA ", lambda s: s)
    ctl = start_sink(rec, args.port or None)
    print(f"ready {ctl.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    ctl.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()

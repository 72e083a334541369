"""STARTTLS (embedded pymap and Dovecot) and implicit TLS (Dovecot), with a throwaway
self-signed certificate: verified contexts reject it (a configuration error), an
explicitly passed test context accepts it."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Callable

import pytest

from bot.config import Config
from bot.db import Database
from bot.devtools.dovecot_local import LocalDovecot
from bot.devtools.imap_local import LocalImapServer
from bot.imap_client import ImapConfigError, ImapConnection
from bot.mailbox import MailboxWatcher
from tests.imap_fixtures import PASSWORD_ENV, dovecot_unavailable
from tests.mailbox_helpers import RecordingHook, reply


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    d = tmp_path_factory.mktemp("tls")
    crt, key = d / "cert.pem", d / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True)
    crt.chmod(0o644)
    key.chmod(0o644)
    d.chmod(0o755)
    return str(crt), str(key)


def _trusting(cert_file: str) -> ssl.SSLContext:
    """An explicitly configured test context that trusts only our throwaway certificate."""
    return ssl.create_default_context(cafile=cert_file)


def _toml(port: int, security: str) -> str:
    return (f'[imap]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "{security}"\n'
            f'username = "ar"\npassword_env = "{PASSWORD_ENV}"\nprocessed_folder = "Done"\n'
            'review_folder = "Review"\n')


def _roundtrip(cfg: Config, cert_file: str, append: Callable[[bytes], None]) -> None:
    db = Database(cfg.database_url)
    append(reply(1))
    bad = MailboxWatcher(db, cfg, process=RecordingHook(db))
    with pytest.raises(ImapConfigError, match="certificate"):
        bad.run_once()                      # the default context verifies: self-signed refused
    bad.close()
    ok = MailboxWatcher(db, cfg, process=RecordingHook(db),
                        connect=lambda: ImapConnection(cfg.imap, ssl_context=_trusting(cert_file)))
    try:
        rep = ok.run_once()
    finally:
        ok.close()
    assert (rep.stored, rep.processed, rep.moved) == (1, 1, 1)


def test_starttls_pymap(cert: tuple[str, str], config_factory: Callable[..., Config],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "secret")
    with LocalImapServer(cert_file=cert[0], key_file=cert[1]) as srv:
        cfg = config_factory(None, _toml(srv.port, "starttls"))

        def append(raw: bytes) -> None:
            from imapclient import IMAPClient

            with IMAPClient("127.0.0.1", port=srv.port, ssl=False) as c:
                c.starttls(_trusting(cert[0]))
                c.login("ar", "secret")
                c.append("INBOX", raw)

        _roundtrip(cfg, cert[0], append)


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_tls_dovecot(cert: tuple[str, str], config_factory: Callable[..., Config],
                     monkeypatch: pytest.MonkeyPatch, security: str) -> None:
    why = dovecot_unavailable()
    if why:
        pytest.skip(why)
    monkeypatch.setenv(PASSWORD_ENV, "secret")
    with LocalDovecot(cert_file=cert[0], key_file=cert[1]) as d:
        port = d.tls_port if security == "tls" else d.port
        cfg = config_factory(None, _toml(port, security))

        def append(raw: bytes) -> None:
            from imapclient import IMAPClient

            with IMAPClient("127.0.0.1", port=d.tls_port, ssl=True,
                            ssl_context=_trusting(cert[0])) as c:
                c.login("ar", "secret")
                c.append("INBOX", raw)

        _roundtrip(cfg, cert[0], append)

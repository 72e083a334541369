"""A throwaway Dovecot 2.3 instance on loopback, for integration tests and benchmarks.

Plaintext IMAP on ``127.0.0.1:<free port>``, passwd-file auth with one user, maildir and
``base_dir`` in a temp dir, run in the foreground (``dovecot -F``) as a child process;
no systemd, nothing outside the temp dir. As root, Dovecot refuses to run its login
process (and mail processes) as root, so ``default_login_user`` /
``default_internal_user`` and the mail user are ``dovenull`` (else ``nobody``).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from bot.devtools.imap_local import free_port

DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
instance_name = arbot-test-{port}
default_login_user = {login_user}
default_internal_user = {login_user}
first_valid_uid = {uid}
last_valid_uid = 0
disable_plaintext_auth = no
{ssl}
auth_mechanisms = plain login
auth_failure_delay = 0
log_path = {base}/dovecot.log
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {base}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
"""


def dovecot_binary() -> str | None:
    found = shutil.which("dovecot")
    if found:
        return found
    return "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None


class LocalDovecot:
    """``with LocalDovecot() as d: d.port`` -- user ``ar`` / password ``secret``."""

    def __init__(self, *, user: str = "ar", password: str = "secret",
                 cert_file: str | None = None, key_file: str | None = None) -> None:
        """With ``cert_file``/``key_file``, STARTTLS on :attr:`port` and implicit TLS
        on :attr:`tls_port`."""
        self.cert_file, self.key_file = cert_file, key_file
        self.tls_port = 0
        self.host = "127.0.0.1"
        self.user = user
        self.password = password
        self.port = 0
        self.base: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 15.0) -> Self:
        exe = dovecot_binary()
        if exe is None:
            raise RuntimeError("dovecot is not installed (apt-get install dovecot-imapd)")
        base = Path(tempfile.mkdtemp(prefix="arbot-dovecot-"))
        os.chmod(base, 0o755)   # the unprivileged mail user must reach its maildir
        self.base = base
        if os.getuid() == 0:
            try:
                acct = pwd.getpwnam("dovenull")
            except KeyError:
                acct = pwd.getpwnam("nobody")
        else:
            acct = pwd.getpwuid(os.getuid())
        mail = base / "mail"
        for d in (mail, base / "run", base / "state"):
            d.mkdir()
        if os.getuid() == 0:
            os.chown(mail, acct.pw_uid, acct.pw_gid)
        self.port = free_port()
        (base / "passwd").write_text(
            f"{self.user}:{{PLAIN}}{self.password}:{acct.pw_uid}:{acct.pw_gid}::{mail}/{self.user}::\n")
        conf = base / "dovecot.conf"
        if self.cert_file and self.key_file:
            self.tls_port = free_port()
            ssl = f"ssl = yes\nssl_cert = <{self.cert_file}\nssl_key = <{self.key_file}"
        else:
            ssl = "ssl = no"
        conf.write_text(DOVECOT_CONF.format(base=base, port=self.port, login_user=acct.pw_name,
                                            uid=acct.pw_uid, ssl=ssl, tls_port=self.tls_port))
        self._proc = subprocess.Popen([exe, "-c", str(conf), "-F"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode() if self._proc.stderr else ""
                logf = base / "dovecot.log"
                raise RuntimeError(f"dovecot exited: {err} {logf.read_text() if logf.exists() else ''}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("dovecot did not start listening in time")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

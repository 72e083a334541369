"""Schema migrations on existing data: 0002 moves outbox bodies to ``outbox_bodies`` and back."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import column, insert, inspect, table, text

from bot import outbox
from bot.db import Database, current_revision, upgrade
from bot.models import OutboxMessage, UTCDateTime

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
BODY = b"Subject: x\r\n\r\n" + bytes(range(256)) * 80 + b"\r\n"     # binary-safe, ~20 KB


def _columns(db: Database, table: str) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns(table)}


def test_0002_moves_bodies_out_of_the_outbox_and_back(db_url: str) -> None:
    db = Database(db_url, migrate=False)
    upgrade(db.engine, "0001")
    old_outbox = table("outbox", *(column(n) for n in (
        "idempotency_key", "kind", "message_id", "mail_from", "rcpt_to", "subject",
        "invoice_numbers", "raw", "status", "attempts")),
        column("next_attempt_at", UTCDateTime()), column("created_at", UTCDateTime()))
    with db.engine.begin() as c:
        c.execute(insert(old_outbox), [
            {"idempotency_key": f"k{i}", "kind": "alert", "message_id": f"<m{i}@t>",
             "mail_from": "ar@t", "rcpt_to": '["ap@t"]', "subject": "s", "invoice_numbers": "[]",
             "raw": BODY + bytes([i]), "status": "pending" if i == 1 else "sent", "attempts": 0,
             "next_attempt_at": NOW, "created_at": NOW} for i in (1, 2)])

    upgrade(db.engine)
    assert current_revision(db.engine) == "0002"
    assert "raw" not in _columns(db, "outbox")
    with db.session() as s:
        rows = {int(r.idempotency_key[1:]): r for r in s.query(OutboxMessage)}
        assert sorted(r.id for r in rows.values()) == [1, 2]
        assert {i: r.raw for i, r in rows.items()} == {1: BODY + b"\x01", 2: BODY + b"\x02"}
        assert rows[2].status == "sent"
        claimed = outbox.claim_in(s, "w", 10, NOW)
    assert [(m.id, m.raw) for m in claimed] == [(1, BODY + b"\x01")]
    with db.session() as s:                          # new rows get a body row of their own
        row = outbox.enqueue(s, key="k3", kind="alert", customer_id=None, mail_from="ar@t",
                             rcpt_to=["ap@t"], raw=BODY, message_id="<m3@t>", reply_token=None,
                             subject="s", now=NOW)
        assert row is not None and row.raw == BODY

    upgrade_down(db, "0001")
    assert "raw" in _columns(db, "outbox")
    assert "outbox_bodies" not in inspect(db.engine).get_table_names()
    with db.engine.connect() as c:
        back = {i: v for i, v in c.execute(text("SELECT id, raw FROM outbox"))}
    assert {i: bytes(v) for i, v in back.items()} == {1: BODY + b"\x01", 2: BODY + b"\x02", 3: BODY}
    db.close()


def upgrade_down(db: Database, revision: str) -> None:
    from alembic import command
    from alembic.config import Config as AlembicConfig

    from bot.db import MIGRATIONS_DIR

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)

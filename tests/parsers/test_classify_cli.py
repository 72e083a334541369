"""``arbot classify`` and ``arbot eval-replies`` run as a user would (subprocess)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden" / "replies"


def arbot(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "bot", *args], check=False, capture_output=True, text=True, env=env,
                          cwd=cwd or REPO, timeout=120)


def test_classify_files_with_invoice_context() -> None:
    eml = GOLDEN / "en_promise_gmail_thursday.eml"
    done = arbot("classify", str(eml), "--invoice", "INV-88213")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert row["path"] == str(eml)
    assert row["intent"] == "promise_to_pay" and row["promise_date"] == "2026-05-07"
    assert set(row) >= {"intent", "confidence", "promise_date", "amount", "currency", "invoice_refs", "redirect_to",
                        "bounce_recipient", "bounce_permanent", "return_date", "language", "reply_text", "evidence"}


def test_classify_batch_manifest(tmp_path: Path) -> None:
    names = ["fr_promise_outlook_date", "en_bounce_postfix_user_unknown", "nl_remittance_overgemaakt"]
    for name in names:
        shutil.copy(GOLDEN / f"{name}.eml", tmp_path)
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("\n".join(json.dumps({"path": f"{n}.eml", "invoices": ["F2026-117"]}) for n in names) + "\n")
    done = arbot("classify", "--batch", str(manifest))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["intent"] for r in rows] == ["promise_to_pay", "bounce", "remittance_advice"]
    assert rows[0]["path"].endswith("fr_promise_outlook_date.eml")
    assert rows[1]["bounce_recipient"] == "billing@oakridge-vet.com" and rows[1]["bounce_permanent"] is True


def test_classify_bad_manifest_line_is_one_clear_error(tmp_path: Path) -> None:
    manifest = tmp_path / "m.jsonl"
    manifest.write_text('{"path": "a.eml"}\n{not json\n')
    done = arbot("classify", "--batch", str(manifest))
    assert done.returncode != 0
    assert done.stderr.strip().startswith("error:") and "m.jsonl:2" in done.stderr
    assert done.stdout == ""


def test_classify_missing_file_reports_and_fails(tmp_path: Path) -> None:
    done = arbot("classify", str(tmp_path / "nope.eml"))
    assert done.returncode == 1 and "nope.eml" in done.stderr


def test_eval_replies_on_a_labelled_folder(tmp_path: Path) -> None:
    rows = []
    for spec_path in sorted(GOLDEN.glob("*.json")):
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        shutil.copy(spec_path.with_suffix(".eml"), tmp_path)
        rows.append({"file": spec_path.with_suffix(".eml").name, "invoices": spec["context"]["invoices"],
                     **spec["expected"]})
    (tmp_path / "labels.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    done = arbot("eval-replies", str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    labels = report["folders"][str(tmp_path)]["labels"]
    assert labels["n"] == len(rows)
    assert labels["macro_f1"] == 1.0
    assert labels["fields"]["promise_date"]["exact"] == 1.0
    assert report["throughput"]["messages"] == len(rows)
    text = arbot("eval-replies", str(tmp_path), "--subset", "odd")
    assert text.returncode == 0 and "macro-F1" in text.stdout and "confusion" in text.stdout


def test_eval_replies_rejects_a_folder_without_labels(tmp_path: Path) -> None:
    done = arbot("eval-replies", str(tmp_path))
    assert done.returncode != 0 and "labels.jsonl" in done.stderr

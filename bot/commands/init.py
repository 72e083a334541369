"""``arbot init DIR``: a starter folder with bot.toml, editable templates and sample data."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from bot.cli_common import fail
from bot.sample import sample_dir

SAMPLE_FILES = ("customers.csv", "invoices.csv", "payments.csv")


def _templates_root() -> Path:
    return Path(str(resources.files("templates")))


def starter_config(reference: str) -> str:
    """The reference bot.toml with the starter folder's own templates switched on."""
    return reference.replace('# templates_dir = "templates"', 'templates_dir = "templates"', 1)


def init_folder(target: Path) -> list[Path]:
    """Create the starter files; refuse (ValueError) if any of them already exists."""
    reference = resources.files("bot").joinpath("reference.toml").read_text(encoding="utf-8")
    sample = sample_dir()
    plan: list[tuple[Path, bytes | None, Path | None]] = [
        (target / "bot.toml", starter_config(reference).encode("utf-8"), None)]
    for name in SAMPLE_FILES:
        plan.append((target / "data" / name, sample.joinpath(name).read_bytes(), None))
    troot = _templates_root()
    for src in sorted(troot.rglob("*")):
        if src.is_file() and src.suffix in (".j2", ".css") and "__pycache__" not in src.parts:
            plan.append((target / "templates" / src.relative_to(troot), None, src))
    existing = [p for p, _, _ in plan if p.exists()]
    if existing:
        raise ValueError(f"{existing[0]} already exists: arbot init never overwrites (choose an empty folder)")
    for path, data, source in plan:
        path.parent.mkdir(parents=True, exist_ok=True)
        if source is not None:
            shutil.copyfile(source, path)
        else:
            path.write_bytes(data or b"")
    return [p for p, _, _ in plan]


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init_cmd(
        directory: Annotated[Path, typer.Argument(help="Folder to create (or an empty one).")],
    ) -> None:
        """Create a starter folder: bot.toml, editable templates and a sample ledger."""
        try:
            written = init_folder(directory)
        except (ValueError, OSError) as exc:
            fail(str(exc))
        typer.echo(f"created {len(written)} files in {directory}")
        typer.echo("next:\n"
                   f"  cd {directory}\n"
                   "  arbot check\n"
                   "  arbot import customers data/customers.csv\n"
                   "  arbot import invoices data/invoices.csv\n"
                   "  arbot import payments data/payments.csv\n"
                   "  arbot aging\n"
                   "  arbot plan --days 14")

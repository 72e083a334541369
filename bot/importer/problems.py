"""What an import reports: problems that reject a file, and the outcome of a run."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad row (or header), printed as ``file:line: column: problem``."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class ImportRejected(Exception):
    """The file was refused; nothing was written. ``problems`` lists every bad row."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(slots=True)
class ImportSummary:
    """Counts of one import run (also of a dry run, which writes nothing)."""

    kind: str                  # customers | invoices | payments
    file: str
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0            # invoices: closed by --snapshot
    reconciled: int = 0        # payments: already known from another source
    allocated_minor: dict[str, int] = field(default_factory=dict)   # payments, per currency
    credit_minor: dict[str, int] = field(default_factory=dict)      # payments: left on account
    dry_run: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind, "file": self.file, "rows": self.rows, "new": self.new,
            "updated": self.updated, "unchanged": self.unchanged, "closed": self.closed,
            "reconciled": self.reconciled, "dry_run": self.dry_run,
            "seconds": round(self.seconds, 3),
        }

"""What every gate returns: findings that say where (page or file and line) and what."""

from dataclasses import asdict, dataclass, field


@dataclass
class Finding:
    gate: str
    where: str  # "role GET /path line:col", "file.py:12", ...
    message: str
    severity: str = "error"
    details: dict = field(default_factory=dict)

    def __str__(self):
        return f"[{self.gate}] {self.where}: {self.message}"

    def as_dict(self):
        return asdict(self)


@dataclass
class GateResult:
    name: str
    findings: list  # the failures: the gate passes when there are none
    figures: dict  # what was checked and what was seen, for docs/quality.md
    seconds: float = 0.0
    error: str | None = None  # the checker itself could not run

    @property
    def passed(self):
        return not self.findings and self.error is None

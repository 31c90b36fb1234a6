"""What a differential run found: where the target answered a step otherwise than the mock, and how the
claims report shows it ("Differences from the mock").

Every answer quoted here went through ``describe`` or ``redact``: a secret appears masked, never whole.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .redact import redact, redact_any

SILENT = "the docs are silent here"


@dataclass
class Divergence:
    step: int  # 1-based position in the sequence
    action: str
    fact: str
    claim: str | None
    target: Any
    mock: Any
    target_answers: list[str]
    mock_answers: list[str]
    sequence: list[str]
    steps: list[dict[str, Any]]

    def headline(self) -> str:
        about = f"touches {self.claim}" if self.claim else SILENT
        return redact(
            f"step {self.step} {self.action}: {self.fact}: target {_show(self.target)}, "
            f"mock {_show(self.mock)} ({about})"
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["claim"] = self.claim or SILENT
        return dict(redact_any(data))


@dataclass
class Differences:
    """Kept on the run: the failing divergence (the last one hypothesis saw, which is the shrunk one) and
    the first divergence of each kind where the docs are silent."""

    ran: bool = False
    examples: int = 0
    steps: int = 0
    first: Divergence | None = None  # the shrunk failing divergence
    silent_ones: dict[tuple[str, str], Divergence] = field(default_factory=dict)
    replay: str | None = None  # the path of the replay file written for ``first``

    def failing(self, found: Divergence) -> None:
        self.first = found

    def silent(self, found: Divergence) -> None:
        kind = found.action.split("(", 1)[0]
        self.silent_ones.setdefault((kind, found.fact), found)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ran": self.ran,
            "examples": self.examples,
            "steps": self.steps,
            "failing": self.first.as_dict() if self.first else None,
            "replay": self.replay,
            "differs": [d.as_dict() for d in self.silent_ones.values()],
        }


def markdown(found: dict[str, Any] | None) -> list[str]:
    """The "Differences from the mock" section, from ``Differences.as_dict()`` (which crosses from an
    xdist worker to the controller in a report's properties)."""
    if not found or not found["ran"]:
        return []
    lines = ["", "## Differences from the mock", ""]
    lines.append(
        f"Each step was sent to the target and to the in-process mock with the same inputs "
        f"({found['examples']} sequences, {found['steps']} steps)."
    )
    first, silent = found["failing"], found["differs"]
    if first is None and not silent:
        lines += ["", "No difference: the target answered every step as the mock did."]
    if first is not None:
        lines += ["", f"### Fails: {first['claim']}", "", f"- {_headline(first)}"]
        if found["replay"]:
            lines.append(f"- Replay: `pytest {found['replay']} --base-url URL` (red while the difference holds)")
        lines += ["- Shrunk sequence:", *[f"  {i}. `{s}`" for i, s in enumerate(first["sequence"], 1)]]
        lines += _side_by_side(first)
    for d in silent:
        lines += ["", f"### Differs ({SILENT})", "", f"- {_headline(d)}", *_side_by_side(d)]
    return lines


def _headline(d: dict[str, Any]) -> str:
    return f"step {d['step']} `{d['action']}`: {d['fact']}: target {_show(d['target'])}, mock {_show(d['mock'])}"


def _side_by_side(d: dict[str, Any]) -> list[str]:
    theirs, ours = d["target_answers"], d["mock_answers"]
    lines = ["", "| target answered | the mock answered |", "|---|---|"]
    for i in range(max(len(theirs), len(ours))):
        left = theirs[i] if i < len(theirs) else ""
        right = ours[i] if i < len(ours) else ""
        lines.append(f"| {_cell(left)} | {_cell(right)} |")
    return lines


def _cell(text: str) -> str:
    return redact(text).replace("|", "\\|").replace("\n", " ")[:300]


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)[:200]

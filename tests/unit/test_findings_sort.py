"""sort_findings orders findings exactly as sorting by Finding.sort_key does."""

from __future__ import annotations

import random

from kubelint.findings import Finding, Position, Severity, sort_findings


def test_sort_findings_is_sorting_by_sort_key_ties_included():
    rng = random.Random(7)
    findings = [Finding(rng.choice(["a.yaml", "b.yaml", "c/d.yaml"]),
                        Position(rng.randint(1, 4), rng.randint(1, 3), 9, 9), rng.choice(["KL101", "KL204", "KL3"]),
                        f"n{n}", Severity.WARNING, rng.choice(["m", "n", "o"]),
                        overlay=rng.choice([None, "", "prod", "dev"]), json_path=f"/{n}")  # json_path tells ties apart
                for n in range(2000)]
    expected = sorted(findings, key=Finding.sort_key)
    sort_findings(findings)
    assert [f.json_path for f in findings] == [f.json_path for f in expected]

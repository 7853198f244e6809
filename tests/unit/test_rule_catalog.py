"""The rule catalog (kubelint/rules/catalog.py) a check builds its registry from: it says what
the rules say, each entry resolves to its rule, and a check imports only the rule modules for
the kinds of its input."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kubelint.rules import LazyRule, all_rules, build_registry

REPO = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("rule_catalog", REPO / "scripts" / "rule_catalog.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_catalog_is_current():
    # Stale after a rule is added or changed: run scripts/rule_catalog.py.
    assert (REPO / "kubelint" / "rules" / "catalog.py").read_text(encoding="utf-8") == _script().render()


def test_every_entry_resolves_to_the_rule_it_describes():
    real = {rule.id: rule for rule in all_rules()}
    registry = build_registry()
    assert [rule.id for rule in registry.rules] == sorted(real)
    lazy = [rule for rule in registry.rules if isinstance(rule, LazyRule)]
    assert len(lazy) == len([r for r in real.values() if not r.builtin]) > 100
    for entry in lazy:
        rule = entry.resolve()
        want = real[entry.id]
        assert type(rule).__name__ == type(want).__name__ and type(rule).__module__ == type(want).__module__
        assert (rule.id, rule.name, rule.severity, rule.enabled_by_default, rule.options, rule.kinds) == \
            (entry.id, entry.name, entry.severity, entry.enabled_by_default, entry.options, entry.kinds)
        assert entry.resolve() is rule  # made once


@pytest.mark.subprocess
def test_a_check_imports_only_the_rule_modules_for_the_kinds_it_holds(tmp_path):
    # A Service with a port out of range: the Service rules run (KL301 at the port), and the
    # families of kinds the file does not hold (workloads, Ingress, containers, Pod Security)
    # are never imported.
    (tmp_path / "svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
                                       "spec:\n  selector: {app: s}\n  ports:\n  - port: 90900\n")
    unwanted = ["kubelint.rules.ingress", "kubelint.rules.workloads", "kubelint.rules.containers",
                "kubelint.rules.security", "kubelint.rules.references", "kubelint.rules.apiserver.apps",
                "kubelint.admission.pod_security"]
    code = ("import io, sys\n"
            "from kubelint.cli import CheckOptions, execute\n"
            "out = io.StringIO()\n"
            "execute(CheckOptions(['svc.yaml'], output_format='json'), out)\n"
            "import json\n"
            "print([(f['rule'], f['line'], f['column']) for f in json.loads(out.getvalue())['findings']])\n"
            f"print(sorted(m for m in {unwanted!r} if m in sys.modules))")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    assert completed.stdout.splitlines() == ["[('KL301', 7, 11)]", "[]"], completed.stderr

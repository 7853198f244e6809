"""A rule that raises becomes one finding ("internal error in rule ...") on the object it was
checking; every other rule's findings, and the same rule's findings on other objects, stay."""

from __future__ import annotations

import json

import pytest

from kubelint.cli import main
from kubelint.rules import build_registry
from tests.helpers import CliRunner, web_deployment

# The Deployment is lines 1-16 (containers from line 13); the Service "crash" starts at line 18.
SET = web_deployment("""\
    - name: web
      image: nginx:1.27
      ports:
      - containerPort: 8080
""") + """\
---
apiVersion: v1
kind: Service
metadata:
  name: crash
spec:
  selector: {app: web}
  ports:
  - port: 70000
    targetPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: lonely
spec:
  selector: {app: nothing}
  ports:
  - port: 80
"""


@pytest.fixture
def crashing_selector_rule(monkeypatch):
    """KL313 raises on the Service named "crash" and works as usual on every other object."""
    rule_class = type(build_registry().get("KL313").resolve())  # the registry holds LazyRules
    real_check = rule_class.check

    def check(self, obj, ctx):
        if obj.name == "crash":
            raise RuntimeError("boom")
        return real_check(self, obj, ctx)

    monkeypatch.setattr(rule_class, "check", check)


def run(tmp_path, monkeypatch, *args, text=SET):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "set.yaml").write_text(text)
    result = CliRunner().invoke(main, ["check", "--no-config", "--format", "json", *args, "set.yaml"],
                                catch_exceptions=False)
    findings = [(f["rule"], f["line"], f["column"], f["severity"], f["message"], f["object"]["name"])
                for f in json.loads(result.output)["findings"]]
    return result.exit_code, findings


SELECTED = ["--select", "KL301,KL313"]
KL301 = ("KL301", 25, 11, "error", "spec.ports[0].port: 70000 is not between 1 and 65535", "crash")
LONELY = ("KL313", 33, 13, "error", 'spec.selector: selects no pods: no workload in namespace "default" has labels '
          "app=nothing", "lonely")


def test_without_the_crash(tmp_path, monkeypatch):
    assert run(tmp_path, monkeypatch, *SELECTED) == (1, [KL301, LONELY])


def test_a_crashing_rule_is_one_error_on_its_object_and_hides_nothing_else(tmp_path, monkeypatch,
                                                                            crashing_selector_rule):
    code, findings = run(tmp_path, monkeypatch, *SELECTED)
    assert findings == [
        ("KL313", 18, 1, "error", "internal error in rule service-selector-no-pods: RuntimeError: boom", "crash"),
        KL301,
        LONELY,
    ]
    assert code == 1


def test_an_internal_error_alone_fails_the_run(tmp_path, monkeypatch, crashing_selector_rule):
    """No other finding: the internal error alone gives exit code 1."""
    without_lonely = SET[:SET.rindex("---")]
    assert run(tmp_path, monkeypatch, "--select", "KL313", text=without_lonely) == (1, [
        ("KL313", 18, 1, "error", "internal error in rule service-selector-no-pods: RuntimeError: boom", "crash")])

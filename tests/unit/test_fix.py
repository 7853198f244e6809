"""`kubelint fix`: which findings get which fix and how safely, the command line, and writes that
never damage a file."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Iterator, List, Optional

import pytest

from kubelint.cli import main
from kubelint.findings import Applicability, Severity
from kubelint.fix.providers import providers
from kubelint.fix.providers.enums import case_match, supported_values
from kubelint.fix.providers.migrations import served_replacement
from kubelint.fix.runner import FixOutcome, Fixer
from kubelint.fix.write import replace_file, writable_path
from kubelint.input.discover import discover
from kubelint.rules import Registry, all_rules
from kubelint.rules.base import Report, Rule, RuleDoc
from kubelint.run.engine import Checker, Settings
from kubelint.schemas.store import SchemaStore
from tests.helpers import CliRunner, crd_yaml


def fix(path: Path, unsafe: bool = False, version: Optional[str] = None, extra: List[Rule] = (),
        write: bool = True) -> FixOutcome:  # type: ignore[assignment]
    registry = Registry(all_rules() + list(extra)) if extra else None
    checker = Checker(Settings(kubernetes_version=version), registry)
    return Fixer(checker, discover([str(path)]), unsafe=unsafe, roots=[str(path.parent)]).run(write=write)


def write(tmp_path: Path, text: str, name: str = "m.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _free_id(prefix: str) -> str:
    taken = {rule.id for rule in all_rules()}
    return next(f"{prefix}{n:02d}" for n in range(99, 0, -1) if f"{prefix}{n:02d}" not in taken)


def stub_rule(rule_id: str, pointer: tuple, message: str, kinds: frozenset) -> Rule:
    """A rule of the kind other families add (API-server validation, Pod Security), reporting
    `message` at `pointer` of every object of `kinds`."""

    class Stub(Rule):
        id = rule_id
        name = f"stub-{rule_id.lower()}"
        severity = Severity.ERROR
        summary = "stub"
        doc = RuleDoc("", "", "", "")

        def check(self, obj, ctx) -> Iterator[Report]:  # type: ignore[no-untyped-def, override]
            yield Report(pointer, message)

    Stub.kinds = kinds
    return Stub()


# -- values and enums -----------------------------------------------------------------------

def test_enum_fix_comes_free_to_any_rule_that_says_unsupported_value(tmp_path):
    # KL122 words it as the API server's field.NotSupported does; no rule declares the fix itself.
    path = write(tmp_path, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                           "  - name: c\n    image: nginx:1.25\n    imagePullPolicy: always  # pull\n")
    outcome = fix(path)
    assert [(p.finding.rule, p.provider) for p in outcome.applied] == [("KL122", "enum-case")]
    assert path.read_text().endswith("    imagePullPolicy: Always  # pull\n")


@pytest.mark.parametrize("message, value, expected", [
    ('x: Unsupported value: "always": supported values: "Always", "Never"', "always", "Always"),
    ('x: "tcp" is not one of "TCP", "UDP"; did you mean "TCP"?', "tcp", "TCP"),
    ('x: "tcp" is not a supported protocol: use TCP, UDP or SCTP', "tcp", "TCP"),
    ('x: "nodeport" is not a supported Service type: values are case-sensitive, write "NodePort"', "nodeport",
     "NodePort"),
    ('x: " NodePort" is not a supported Service type: write "NodePort" (without spaces)', " NodePort", "NodePort"),
    ('x: "prefix" is not a supported pathType: use "Prefix" (pathType values are case-sensitive)', "prefix",
     "Prefix"),
    ('x: "clusterip" is not a supported Service type (supported: ClusterIP, NodePort)', "clusterip", "ClusterIP"),
    # no fix: a near miss is not a case difference, two candidates match, or no enum message
    ('x: "nodeprot" is not a supported Service type; did you mean "NodePort"? (supported: ClusterIP)', "nodeprot",
     None),
    ('x: Unsupported value: "aB": supported values: "AB", "ab"', "aB", None),
    ('metadata: unknown field "Name", did you mean "name"?', "Name", None),
])
def test_enum_messages(message, value, expected):
    found = supported_values(message)
    assert (None if found is None or found[0] != value else case_match(value, found[1])) == expected


def test_an_enum_value_that_is_not_the_one_the_message_quotes_is_left_alone(tmp_path):
    rule = stub_rule(_free_id("KL1"), ("spec", "type"), 'spec.type: Unsupported value: "nodeport": supported values: '
                     '"NodePort"', frozenset({"Service"}))
    path = write(tmp_path, "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: NodePort\n"
                           "  selector: {a: b}\n  ports: [{port: 80}]\n")
    assert fix(path, extra=[rule]).applied == []


def test_kind_case_is_keyed_on_the_kind_not_the_rule(tmp_path):
    path = write(tmp_path, "apiVersion: apps/v1\nkind: deployment\nmetadata: {name: d}\nspec: {}\n"
                           "---\napiVersion: example.com/v1\nkind: widget\nmetadata: {name: w}\n")
    outcome = fix(path)
    assert [(p.finding.rule, p.fix.description) for p in outcome.applied] == [
        ("KL118", 'kind "Deployment" instead of "deployment" (kinds are case-sensitive)')]
    assert "kind: Deployment\n" in path.read_text() and "kind: widget\n" in path.read_text()


def test_a_list_item_is_fixed_in_place(tmp_path):
    path = write(tmp_path, "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n"
                           "  metadata: {name: s}\n  spec:\n    type: nodeport\n    selector: {a: b}\n"
                           "    ports: [{port: 80}]\n")
    fix(path)
    assert "    type: NodePort\n" in path.read_text()


def test_a_byte_order_mark_is_kept(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfapiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: yes\n")
    fix(path)
    assert path.read_bytes() == b'\xef\xbb\xbfapiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: "yes"\n'


def test_a_suppressed_finding_is_not_fixed(tmp_path):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: yes  # kubelint: disable-line=KL101\n"
    path = write(tmp_path, text)
    assert fix(path).applied == [] and path.read_text() == text


# -- migrations and structural fixes ----------------------------------------------------------

def test_migrations_go_to_the_newest_version_served():
    assert served_replacement("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", SchemaStore("1.28")) == \
        "flowcontrol.apiserver.k8s.io/v1beta3"
    assert served_replacement("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", SchemaStore("1.37")) == \
        "flowcontrol.apiserver.k8s.io/v1"
    assert served_replacement("policy/v1beta1", "PodSecurityPolicy", SchemaStore("1.37")) is None
    assert served_replacement("autoscaling/v2beta2", "HorizontalPodAutoscaler", SchemaStore("1.25")) == "autoscaling/v2"


def test_a_deprecated_but_served_version_migrates_too(tmp_path):
    path = write(tmp_path, "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
                           "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}\n"
                           "  maxReplicas: 3\n")
    outcome = fix(path, version="1.25")
    assert [p.finding.rule for p in outcome.applied] == ["KL105"]
    assert path.read_text().startswith("apiVersion: autoscaling/v2\n")


def test_hpa_v2beta1_object_and_external_metrics(tmp_path):
    path = write(tmp_path, """apiVersion: autoscaling/v2beta1
kind: HorizontalPodAutoscaler
metadata: {name: h}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}
  maxReplicas: 3
  metrics:
  - type: Object
    object:
      target: {apiVersion: v1, kind: Service, name: web}
      metricName: rps
      targetValue: 10
  - type: External
    external:
      metricName: queue
      metricSelector: {matchLabels: {q: jobs}}
      targetAverageValue: 30
""")
    fix(path)
    assert path.read_text().split("  metrics:\n")[1] == """  - type: Object
    object:
      describedObject:
        apiVersion: v1
        kind: Service
        name: web
      metric:
        name: rps
      target:
        type: Value
        value: 10
  - type: External
    external:
      metric:
        name: queue
        selector:
          matchLabels:
            q: jobs
      target:
        type: AverageValue
        averageValue: 30
"""


@pytest.mark.parametrize("source, unsafe", [("extensions/v1beta1", False), ("apps/v1beta1", False),
                                            ("apps/v1beta2", True)])
def test_a_missing_selector_is_unsafe_only_where_the_old_api_had_no_default(tmp_path, source, unsafe):
    text = (f"apiVersion: {source}\nkind: ReplicaSet\nmetadata: {{name: r}}\nspec:\n  template:\n"
            "    metadata: {labels: {app: r}}\n    spec: {containers: [{name: c, image: 'nginx:1.25'}]}\n")
    path = write(tmp_path, text)
    outcome = fix(path)
    assert bool(outcome.applied) is not unsafe
    left = [f for f in outcome.result.active() if f.rule == "KL104"]
    assert bool(left) is unsafe and all(f.fixable and f.fix.applicability == Applicability.UNSAFE for f in left)


def test_unsafe_fixes_wait_for_the_flag(tmp_path):
    text = ("apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: p}\n"
            "spec:\n  minAvailable: 1\n  selector: {}\n")
    path = write(tmp_path, text)
    outcome = fix(path)
    assert outcome.applied == [] and outcome.unsafe_left() == 1 and path.read_text() == text
    assert fix(path, unsafe=True).applied and path.read_text().startswith("apiVersion: policy/v1\n")


def test_no_migration_where_the_structure_does_not_fit(tmp_path):
    text = ("apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\nmetadata: {name: a.b.c}\n"
            "spec: {group: b.c, version: v1, names: {kind: A, plural: as}, scope: Namespaced}\n"
            "---\napiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
            "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}\n  maxReplicas: 3\n"
            "  targetCPUUtilizationPercentage: 50\n")
    path = write(tmp_path, text)
    assert fix(path, unsafe=True).applied == [] and path.read_text() == text


def test_ingress_path_type_is_unsafe_except_for_the_root(tmp_path):
    path = write(tmp_path, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n"
                           "  rules:\n  - http:\n      paths:\n"
                           "      - path: /\n        backend: {service: {name: s, port: {number: 80}}}\n"
                           "      - path: /api\n        backend: {service: {name: s, port: {number: 80}}}\n")
    outcome = fix(path)
    assert [p.fix.applicability for p in outcome.applied] == [Applicability.SAFE]
    assert [f.fix.applicability for f in outcome.result.active() if f.fixable] == [Applicability.UNSAFE]


def test_pod_security_restricted_settings_from_any_rule_that_asks_for_them(tmp_path):
    rule = stub_rule(_free_id("KL8"), ("spec", "template", "spec", "containers", 0),
                     'containers "web" must set securityContext.allowPrivilegeEscalation=false',
                     frozenset({"Deployment"}))
    text = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext:
        fsGroup: 2000
      containers:
        - name: web
          image: nginx:1.25
        - name: side
          image: busybox:1.36
          securityContext:
            capabilities:
              add: [NET_BIND_SERVICE]
"""
    path = write(tmp_path, text)
    assert fix(path, extra=[rule]).applied == [] and path.read_text() == text  # unsafe
    outcome = fix(path, unsafe=True, extra=[rule])
    assert [p.provider for p in outcome.applied] == ["pod-security-restricted"]
    assert path.read_text() == """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext:
        fsGroup: 2000
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: web
          image: nginx:1.25
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop:
                - ALL
        - name: side
          image: busybox:1.36
          securityContext:
            capabilities:
              add: [NET_BIND_SERVICE]
              drop:
                - ALL
            allowPrivilegeEscalation: false
"""


def test_every_rule_a_provider_fixes_declares_it_and_the_reverse():
    declared = {rule.id for rule in all_rules() if rule.fix is not None}
    claimed = {rule_id for provider in providers() for rule_id in provider.rules}
    assert declared == claimed


# -- writing ---------------------------------------------------------------------------------

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: yes\n"


def test_the_mode_is_kept_and_no_temporary_file_is_left(tmp_path):
    path = write(tmp_path, CONFIGMAP)
    os.chmod(path, 0o640)
    fix(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640 and path.read_text().endswith('a: "yes"\n')
    assert sorted(os.listdir(tmp_path)) == ["m.yaml"]


def test_a_file_changed_on_disk_since_it_was_read_is_left_alone(tmp_path):
    path = write(tmp_path, CONFIGMAP)
    assert replace_file(str(path), b"new", b"old") == "it changed on disk since it was read; not written"
    assert path.read_text() == CONFIGMAP


def test_a_symlink_out_of_the_checked_tree_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    inside = tmp_path / "repo"
    outside.mkdir()
    inside.mkdir()
    target = write(outside, CONFIGMAP)
    (inside / "link.yaml").symlink_to(target)
    (inside / "local.yaml").symlink_to(write(inside, CONFIGMAP, "real.yaml"))
    assert writable_path(str(inside / "link.yaml"), [str(inside)])[0] is None
    assert writable_path(str(inside / "local.yaml"), [str(inside)])[0] == str((inside / "real.yaml").resolve())
    checker = Checker(Settings())
    outcome = Fixer(checker, discover([str(inside)]), roots=[str(inside)]).run()
    assert [path for path, _ in outcome.problems] == [str(inside / "link.yaml")]
    assert target.read_text() == CONFIGMAP  # the file outside is untouched
    assert (inside / "link.yaml").is_symlink() and (inside / "local.yaml").is_symlink()
    assert (inside / "real.yaml").read_text().endswith('a: "yes"\n')
    # what remains is what is on disk: the link's finding
    assert [f.path for f in outcome.result.active() if f.rule == "KL101"] == [str(inside / "link.yaml")]


def test_a_file_that_cannot_be_written_is_reported_and_kept_and_the_exit_code_is_2(tmp_path, monkeypatch):
    path = write(tmp_path, CONFIGMAP)

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("kubelint.fix.write.tempfile.mkstemp", refuse)
    result = invoke("fix", "--no-config", str(path))
    assert result.exit_code == 2 and path.read_text() == CONFIGMAP
    assert f"kubelint: error: {path}: cannot write in {tmp_path}: Permission denied" in result.stderr
    assert "KL101" in result.stdout  # what remains is what is on disk


def test_an_interrupted_write_leaves_the_file_as_it_was_and_no_temporary(tmp_path, monkeypatch):
    path = write(tmp_path, CONFIGMAP)

    def killed(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr("kubelint.fix.write.os.replace", killed)
    with pytest.raises(KeyboardInterrupt):
        replace_file(str(path), b"new", CONFIGMAP.encode())
    assert path.read_text() == CONFIGMAP and os.listdir(tmp_path) == ["m.yaml"]


def test_a_file_changed_while_it_was_being_fixed_is_left_alone(tmp_path, monkeypatch):
    path = write(tmp_path, CONFIGMAP)
    reads = []
    real_content = __import__("kubelint.fix.write", fromlist=["_content"])._content

    def edited_meanwhile(name: str) -> bytes:
        reads.append(name)
        if len(reads) == 2:  # the check just before the rename
            path.write_text(CONFIGMAP + "# saved by an editor\n")
        return real_content(name)

    monkeypatch.setattr("kubelint.fix.write._content", edited_meanwhile)
    why = replace_file(str(path), b"new", CONFIGMAP.encode())
    assert why == "it changed on disk while it was being fixed; not written"
    assert path.read_text().endswith("# saved by an editor\n") and os.listdir(tmp_path) == ["m.yaml"]


# -- command line ----------------------------------------------------------------------------

def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_fix_command_reports_and_exits_as_check_for_what_remains(tmp_path):
    path = write(tmp_path, CONFIGMAP + "---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
                                       "spec: {type: nodeport, ports: [{port: 80}], selector: {a: b}}\n")
    result = invoke("fix", "--no-config", str(path))
    assert result.exit_code == 0, result.output
    assert f"{path}:5:6: fixed KL101 (safe): quote yes so that it stays the string \"yes\"" in result.stderr
    assert "kubelint: fixed 2 findings in 1 file; 0 remain" in result.stderr
    assert invoke("fix", "--no-config", str(path)).exit_code == 0
    assert "type: NodePort" in path.read_text()


def test_diff_writes_nothing(tmp_path):
    path = write(tmp_path, CONFIGMAP)
    result = invoke("check", "--diff", "--no-config", str(path))
    assert result.exit_code == 0 and path.read_text() == CONFIGMAP
    assert result.stdout == (f"--- {path}\n+++ {path}\n@@ -2,4 +2,4 @@\n kind: ConfigMap\n metadata: {{name: c}}\n"
                             f" data:\n-  a: yes\n+  a: \"yes\"\n")
    assert "would fix 1 finding in 1 file" in result.stderr


def test_check_fix_and_the_exit_code_of_what_remains(tmp_path):
    path = write(tmp_path, CONFIGMAP + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata: {b: [1]}\n")
    result = invoke("check", "--fix", "--no-config", str(path))
    assert result.exit_code == 1 and "KL101 data.b: expected string, got array" in result.stdout
    assert 'a: "yes"' in path.read_text()


def test_check_json_says_fixable(tmp_path):
    path = write(tmp_path, CONFIGMAP + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata: {b: [1]}\n")
    findings = json.loads(invoke("check", "-f", "json", "--no-config", str(path)).stdout)["findings"]
    assert [(f["jsonPath"], f["fixable"]) for f in findings] == [("/data/a", True), ("/data/b", False)]
    assert path.read_text().endswith("a: yes\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata: {b: [1]}\n")


def test_rules_lists_fixes():
    listing = invoke("rules").stdout.splitlines()
    assert any(line.startswith("KL304  service-unsupported-value") and " safe   " in line for line in listing)
    assert any(line.startswith("KL102  unknown-field") and " -      " in line for line in listing)
    assert "Fix: mixed: Moves the object" in invoke("explain", "KL104").stdout


# -- robustness ------------------------------------------------------------------------------

def test_a_provider_bug_leaves_the_file_alone_and_the_run_goes_on(tmp_path, monkeypatch):
    path = write(tmp_path, CONFIGMAP)
    other = write(tmp_path, CONFIGMAP.replace("name: c", "name: d"), "other.yaml")

    def broken(self, target):  # type: ignore[no-untyped-def]
        if target.finding.path.endswith("m.yaml"):
            raise ValueError("a bug")
        return original(self, target)

    from kubelint.fix.providers.values import QuoteRetypedString
    original = QuoteRetypedString.propose
    monkeypatch.setattr(QuoteRetypedString, "propose", broken)
    outcome = Fixer(Checker(Settings()), discover([str(tmp_path)]), roots=[str(tmp_path)]).run()
    assert outcome.internal_errors == [(str(path), "ValueError: a bug")]
    assert path.read_text() == CONFIGMAP and other.read_text().endswith('a: "yes"\n')


def test_aliases_used_many_times_cost_their_size_not_their_expansion(tmp_path):
    layers = ["a0: &a0 [x, x, x, x, x, x, x, x]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 9)]
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: yes\n---\n" + "\n".join(layers) + "\n")
    path = write(tmp_path, text)
    outcome = fix(path)  # 8 * 3^8 = 52,488 expanded leaves in the second document
    assert [p.provider for p in outcome.applied] == ["quote-yaml11-string"]


def test_deep_nesting_elsewhere_in_the_file_does_not_break_the_fix(tmp_path):
    deep = "x: " + "[" * 3000 + "]" * 3000 + "\n"
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: yes\n---\n" + deep
    path = write(tmp_path, text)
    outcome = fix(path)
    assert outcome.internal_errors == [] and path.read_text() in (text, text.replace("a: yes", 'a: "yes"'))


def test_a_custom_resource_enum_in_the_wrong_case_is_fixed(tmp_path):
    path = write(tmp_path, crd_yaml("Widget", """\
    type: object
    properties:
      policy: {type: string, enum: [Always, Never]}
""") + """---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec:
  policy: 'always'
""")
    outcome = fix(path)
    assert [(p.finding.rule, p.provider) for p in outcome.applied] == [("KL101", "enum-case")]
    assert outcome.applied[0].finding.message == 'spec.policy: "always" is not one of "Always", "Never"; did you mean "Always"?'
    assert path.read_text().endswith("  policy: 'Always'\n")

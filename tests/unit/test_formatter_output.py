"""Each output format, byte for byte, for a run with every kind of finding: one on an object
read from stdin (its message with characters each format must escape), one about a file (no
object), a warning, an info without an object, and a suppressed one."""

from __future__ import annotations

import json

import pytest

from kubelint import __version__
from kubelint.findings import Finding, ObjectRef, Position, RunResult, Severity
from kubelint.formatters import formatter_class
from kubelint.formatters.base import OutputOptions
from kubelint.rules import all_rules

CFG = ObjectRef("v1", "ConfigMap", "shop", "cfg")
WIDGET = ObjectRef("example.com/v1", "Widget", None, "w")
WINDOWS = "win\\app.yaml"  # a path as given on Windows
RESULT = RunResult(
    "1.37",
    [Finding("-", Position(3, 5, 4, 9), "KL101", "invalid-field-value", Severity.ERROR,
             "data.a: 50% off,\r\nnow", CFG, "/data/a"),
     Finding("broken.yaml", Position(2, 1, 2, 1), "KL001", "yaml-syntax", Severity.ERROR, "YAML syntax error: x"),
     Finding(WINDOWS, Position(7, 3, 7, 10), "KL106", "unknown-kind", Severity.WARNING, "no schema", WIDGET, "/kind"),
     Finding(WINDOWS, Position(9, 1, 9, 20), "KL901", "unused-suppression", Severity.INFO,
             'suppression of "x" matches no finding'),
     Finding(WINDOWS, Position(12, 2, 12, 2), "KL101", "invalid-field-value", Severity.ERROR, "hidden", CFG, "/x",
             suppressed=True)],
    files=3, objects=2, skipped=1, checked=[("-", CFG), (WINDOWS, WIDGET)], file_paths=["-", "broken.yaml", WINDOWS])


def render(name, **options):
    return formatter_class(name)(OutputOptions(**options)).format(RESULT)


def test_text():
    assert render("text") == (
        "-:3:5: error KL101 data.a: 50% off,\\r\\nnow [ConfigMap shop/cfg]\n"  # control characters escaped
        "broken.yaml:2:1: error KL001 YAML syntax error: x\n"
        "win\\app.yaml:7:3: warning KL106 no schema [Widget w]\n"
        'win\\app.yaml:9:1: info KL901 suppression of "x" matches no finding\n'
        "3 files, 2 objects (1 skipped): 2 errors, 1 warning, 1 info, 1 suppressed\n")


def test_text_with_colour_and_source_lines():
    sources = {("-", 3): "\tdata:  a: 1  \n", ("broken.yaml", 2): "a: [\n"}
    text = render("text", color=True, show_source=True, source_lines=lambda path, line: sources.get((path, line)))
    red, yellow, cyan, bold, dim, reset = "\033[31m", "\033[33m", "\033[36m", "\033[1m", "\033[2m", "\033[0m"
    assert text.split("\n") == [
        f"{bold}-:3:5:{reset} {red}error{reset} KL101 data.a: 50% off,\\r\\nnow [ConfigMap shop/cfg]",
        "     data:  a: 1  ",  # tabs expanded to one space, trailing spaces kept, the newline dropped
        f"        {red}^{reset}",
        f"{bold}broken.yaml:2:1:{reset} {red}error{reset} KL001 YAML syntax error: x",
        "    a: [",
        f"    {red}^{reset}",
        f"{bold}win\\app.yaml:7:3:{reset} {yellow}warning{reset} KL106 no schema [Widget w]",
        f'{bold}win\\app.yaml:9:1:{reset} {cyan}info{reset} KL901 suppression of "x" matches no finding',
        f"{dim}3 files, 2 objects (1 skipped): 2 errors, 1 warning, 1 info, 1 suppressed{reset}",
        "",
    ]


def test_text_source_lines_without_colour():
    text = render("text", show_source=True, source_lines=lambda path, line: "x: X\n" if path == "broken.yaml" else None)
    assert text.splitlines()[1:4] == ["broken.yaml:2:1: error KL001 YAML syntax error: x", "    x: X", "    ^"]


def test_text_singular_and_plural():
    one = RunResult("1.37", [], files=1, objects=1, skipped=0)
    assert formatter_class("text")().format(one) == "1 file, 1 object (0 skipped): 0 errors, 0 warnings, 0 infos\n"


def test_github():
    assert render("github").splitlines() == [
        "::error file=-,line=3,col=5,endLine=4,endColumn=9,title=KL101 invalid-field-value::"
        "data.a: 50%25 off,%0D%0Anow [ConfigMap shop/cfg]",
        "::error file=broken.yaml,line=2,col=1,title=KL001 yaml-syntax::YAML syntax error: x",
        "::warning file=win\\app.yaml,line=7,col=3,endLine=7,endColumn=10,title=KL106 unknown-kind::no schema [Widget w]",
        "::notice file=win\\app.yaml,line=9,col=1,endLine=9,endColumn=20,title=KL901 unused-suppression::"
        'suppression of "x" matches no finding',
        "kubelint: 3 files, 2 objects: 2 errors, 1 warnings, 1 infos; fails: 2 at or above error (--fail-on error)",
    ]


@pytest.mark.parametrize("text, data, prop", [
    ("50%", "50%25", "50%25"), ("a\rb\nc", "a%0Db%0Ac", "a%0Db%0Ac"), ("k: v, w", "k: v, w", "k%3A v%2C w"),
    ("%0A", "%250A", "%250A"),  # an escape sequence in the text stays text
])
def test_github_escapes(text, data, prop):
    from kubelint.formatters.github import escape_data, escape_property

    assert (escape_data(text), escape_property(text)) == (data, prop)


def test_json_is_indented_and_keeps_file_findings_without_object():
    text = render("json")
    assert text.startswith('{\n  "kubelint": "' + __version__ + '",\n  "kubernetesVersion": "1.37",\n  "findings": [\n')
    assert text.endswith('\n  }\n}\n')
    document = json.loads(text)
    assert document["findings"][0] == {
        "path": "-", "line": 3, "column": 5, "endLine": 4, "endColumn": 9, "rule": "KL101",
        "name": "invalid-field-value", "severity": "error", "message": "data.a: 50% off,\r\nnow",
        "object": {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "shop", "name": "cfg"},
        "jsonPath": "/data/a", "fixable": False}
    assert [(f["path"], f["rule"], f["object"], f["jsonPath"]) for f in document["findings"][1:]] == [
        ("broken.yaml", "KL001", None, ""),
        (WINDOWS, "KL106", {"apiVersion": "example.com/v1", "kind": "Widget", "namespace": None, "name": "w"}, "/kind"),
        (WINDOWS, "KL901", None, "")]
    assert document["summary"] == {"files": 3, "objects": 2, "skipped": 1, "errors": 2, "warnings": 1, "infos": 1,
                                   "suppressed": 1}


def test_junit():
    assert render("junit") == """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="kubelint" tests="4" failures="2">
  <testsuite name="kubelint" tests="4" failures="2" errors="0" skipped="0">
    <testcase classname="-" name="v1 ConfigMap shop/cfg">
      <failure type="KL101 invalid-field-value" message="error: data.a: 50% off,\\r\\nnow">-:3:5: error KL101 data.a: 50% off,\\r\\nnow</failure>
    </testcase>
    <testcase classname="broken.yaml" name="file">
      <failure type="KL001 yaml-syntax" message="error: YAML syntax error: x">broken.yaml:2:1: error KL001 YAML syntax error: x</failure>
    </testcase>
    <testcase classname="win\\app.yaml" name="file">
      <system-out>win\\app.yaml:9:1: info KL901 suppression of "x" matches no finding</system-out>
    </testcase>
    <testcase classname="win\\app.yaml" name="example.com/v1 Widget w">
      <system-out>win\\app.yaml:7:3: warning KL106 no schema</system-out>
    </testcase>
  </testsuite>
</testsuites>
"""


def test_junit_counts_objects_without_findings_as_passing_cases():
    clean = RunResult("1.37", [], files=1, objects=1, skipped=0, checked=[("a.yaml", CFG), ("a.yaml", CFG)],
                      file_paths=["a.yaml"])
    assert formatter_class("junit")().format(clean).splitlines()[1:5] == [
        '<testsuites name="kubelint" tests="1" failures="0">',
        '  <testsuite name="kubelint" tests="1" failures="0" errors="0" skipped="0">',
        '    <testcase classname="a.yaml" name="v1 ConfigMap shop/cfg" />',
        "  </testsuite>"]


def test_sarif():
    text = render("sarif")
    assert text.startswith('{\n  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",\n  "version": "2.1.0",\n')
    document = json.loads(text)
    [run] = document["runs"]
    reported = ["KL001", "KL101", "KL106", "KL901"]  # only the rules with results, in id order
    index = {rule_id: number for number, rule_id in enumerate(reported)}
    assert run["results"] == [
        {"ruleId": "KL101", "ruleIndex": index["KL101"], "level": "error",
         "message": {"text": "data.a: 50% off,\r\nnow [ConfigMap shop/cfg]"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "stdin"},
                                             "region": {"startLine": 3, "startColumn": 5, "endLine": 4, "endColumn": 9}}}],
         "properties": {"object": {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "shop", "name": "cfg"},
                        "jsonPath": "/data/a"}},
        {"ruleId": "KL001", "ruleIndex": index["KL001"], "level": "error", "message": {"text": "YAML syntax error: x"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "broken.yaml"},
                                             "region": {"startLine": 2, "startColumn": 1}}}]},
        {"ruleId": "KL106", "ruleIndex": index["KL106"], "level": "warning", "message": {"text": "no schema [Widget w]"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "win/app.yaml"},
                                             "region": {"startLine": 7, "startColumn": 3, "endLine": 7, "endColumn": 10}}}],
         "properties": {"object": {"apiVersion": "example.com/v1", "kind": "Widget", "namespace": None, "name": "w"},
                        "jsonPath": "/kind"}},
        {"ruleId": "KL901", "ruleIndex": index["KL901"], "level": "note",
         "message": {"text": 'suppression of "x" matches no finding'},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "win/app.yaml"},
                                             "region": {"startLine": 9, "startColumn": 1, "endLine": 9, "endColumn": 20}}}]},
        {"ruleId": "KL101", "ruleIndex": index["KL101"], "level": "error", "message": {"text": "hidden [ConfigMap shop/cfg]"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "win/app.yaml"},
                                             "region": {"startLine": 12, "startColumn": 2}}}],
         "properties": {"object": {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "shop", "name": "cfg"},
                        "jsonPath": "/x"},
         "suppressions": [{"kind": "inSource"}]},
    ]
    assert run["columnKind"] == "unicodeCodePoints" and run["properties"] == {"kubernetesVersion": "1.37"}
    driver = run["tool"]["driver"]
    assert {k: v for k, v in driver.items() if k != "rules"} == {
        "name": "kubelint", "version": __version__, "semanticVersion": __version__,
        "informationUri": "https://github.com/kubelint/kubelint"}
    assert [rule["id"] for rule in driver["rules"]] == reported
    kl101 = registry_rule("KL101")
    doc = kl101.doc
    assert driver["rules"][index["KL101"]] == {
        "id": "KL101", "name": "invalid-field-value",
        "shortDescription": {"text": kl101.summary}, "fullDescription": {"text": doc.what},
        "help": {"text": f"{doc.what}\n\nWhy: {doc.why}\n\nFails:\n{doc.failing}\n\nPasses:\n{doc.passing}\n\n"
                         "Run `kubelint explain KL101` for more.",
                 "markdown": f"{doc.what}\n\n**Why it matters:** {doc.why}\n\n**Fails**\n```yaml\n{doc.failing}\n```\n\n"
                             f"**Passes**\n```yaml\n{doc.passing}\n```"},
        "defaultConfiguration": {"level": "error", "enabled": True},
        "properties": {"tags": ["kubernetes"]}}
    levels = {rule["id"]: rule["defaultConfiguration"] for rule in driver["rules"]}
    assert levels["KL106"]["level"] == "warning" and levels["KL901"]["level"] == "note"


def registry_rule(rule_id):
    return next(rule for rule in all_rules() if rule.id == rule_id)


def test_json_written_in_pieces_is_the_document_json_dumps_writes():
    """The JSON report is written a batch of findings at a time (a large run's whole text was
    its peak of memory); the bytes must be those of one json.dumps of the whole document."""
    import io

    from kubelint.formatters import json as json_format
    from kubelint.formatters.base import summary_counts

    many = [Finding(f"dir/{n % 7}.yaml", Position(n + 1, 3, n + 1, 9 + n % 3), "KL204", "namespace-defined",
                    Severity.WARNING, f'namespace "ns-{n % 5}" is not defined \u00e9\n"q"', CFG if n % 2 else None,
                    "/metadata/namespace", template=("t.yaml", n) if n % 3 == 0 else None,
                    overlay="overlays/prod" if n % 4 == 0 else None)
            for n in range(1500)]  # many pieces of text
    for result in (RESULT, RunResult("1.37", many, files=7, objects=2, skipped=0),
                   RunResult("1.37", [], files=0, objects=0, skipped=0)):
        out = io.StringIO()
        formatter_class("json")(OutputOptions()).write(result, out)
        expected = json.dumps({"kubelint": __version__, "kubernetesVersion": "1.37",
                               "findings": [json_format._entry(f) for f in result.active()],
                               "summary": summary_counts(result)}, indent=2) + "\n"
        assert out.getvalue() == expected
        assert formatter_class("json")(OutputOptions()).format(result) == expected
    assert '"findings": [],' in expected  # the empty run


def test_json_report_leaves_no_garbage_per_finding():
    """A large run keeps the cyclic collector off: writing the report must not leave a
    reference cycle per finding (encoding each with json.dumps did: 55 MiB for 23,000)."""
    import gc
    import io

    result = RunResult("1.37", [RESULT.findings[0]] * 300, files=1, objects=1, skipped=0)
    formatter = formatter_class("json")(OutputOptions())
    was = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        formatter.write(result, io.StringIO())
        garbage = gc.collect()
    finally:
        if was:
            gc.enable()
    assert garbage < 100, f"{garbage} objects left in cycles for 300 findings"


def test_text_written_in_pieces_is_the_formatted_text():
    """The text report is written a batch of lines at a time; the bytes are those of format()."""
    import io

    from kubelint.formatters import text as text_format

    many = RunResult("1.37", [RESULT.findings[n % 4] for n in range(text_format._BATCH * 2 + 3)],
                     files=3, objects=2, skipped=1)
    for result in (RESULT, many):
        out = io.StringIO()
        formatter_class("text")(OutputOptions()).write(result, out)
        assert out.getvalue() == formatter_class("text")(OutputOptions()).format(result)
    assert out.getvalue().count("\n") == text_format._BATCH * 2 + 3 + 1  # a line each, and the summary

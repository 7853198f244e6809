"""What `kubelint check` pays for before it checks anything: patterns compiled on first use,
jsonschema_rs imported without email.utils, and the modules a one-file check leaves unimported."""

from __future__ import annotations

import email.utils
import importlib
import os
import pkgutil
import re
import subprocess
import sys

import pytest

import kubelint
from kubelint.lazy_regex import LazyPattern, lazy_compile
from kubelint.schemas import rust_engine

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_a_lazy_pattern_answers_as_the_compiled_one():
    lazy, compiled = lazy_compile(r"(?P<n>[0-9]+)x", re.I), re.compile(r"(?P<n>[0-9]+)x", re.I)
    assert lazy.pattern == compiled.pattern and "match" not in vars(lazy)  # nothing compiled yet
    assert lazy.fullmatch("12X").group("n") == compiled.fullmatch("12X").group("n") == "12"
    assert "match" in vars(lazy)  # compiled once: later calls go straight to the pattern's methods
    assert lazy.sub("-", "1x 2X y") == compiled.sub("-", "1x 2X y") == "- - y"
    assert lazy.findall("3x4x") == ["3", "4"] and lazy.split("a1xb") == ["a", "1", "b"]
    assert (lazy.flags, lazy.groups, dict(lazy.groupindex)) == (compiled.flags, 1, {"n": 1})
    assert lazy_compile(b"\xc2[\x80-\x9f]").search(b"a\xc2\x85").span() == (1, 3)
    with pytest.raises(AttributeError):
        lazy.__deepcopy__  # noqa: B018 - dunder lookups do not compile (copy, pickle probe them)


def _lazy_patterns():
    for module_info in pkgutil.walk_packages(kubelint.__path__, "kubelint."):
        if module_info.name.startswith("kubelint.fix") or module_info.name == "kubelint.__main__":
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if isinstance(value, LazyPattern):
                yield f"{module_info.name}.{name}", value


def test_every_lazy_pattern_in_kubelint_compiles():
    # A typo in a pattern would otherwise surface only when a manifest first needs it.
    found = dict(_lazy_patterns())
    assert "kubelint.rules.apiserver.syntax._LABEL_KEY" in found
    for name, pattern in found.items():
        assert isinstance(pattern.groups, int), name  # compiles it


@pytest.mark.parametrize("text", [
    "Thu, 12 Nov 2026 07:50:16 +0000",  # the form pyo3-built writes
    "Mon, 01 Jan 2024 23:59:59 +0130",
    "Mon, 01 Jan 2024 23:59:59 -0715",
    "Mon, 01 Jan 2024 23:59:59 -0000",  # zone unknown: a naive datetime
    "01 Jan 2024 23:59:59 +0000",  # no weekday: left to email.utils
    "Mon, 1 Jan 2024 00:00:00 GMT",
])
def test_the_build_date_stand_in_answers_as_email_utils(text):
    mine, theirs = rust_engine.parsedate_to_datetime(text), email.utils.parsedate_to_datetime(text)
    assert (mine, repr(mine)) == (theirs, repr(theirs))


@pytest.mark.subprocess
def test_a_one_file_check_leaves_what_it_does_not_need_unimported(tmp_path):
    # email.utils (with socket, random, calendar): jsonschema_rs's init only dates its build with
    # it. dataclasses: the records on the check path are NamedTuples or plain classes. difflib:
    # only a near miss needs a did-you-mean hint. The apiserver syntax patterns: compiled only
    # when a value needs them.
    (tmp_path / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: s}, ports: [{port: 80}]}\n")
    code = ("import sys\n"
            "from kubelint.__main__ import run\n"
            "sys.argv = ['kubelint', 'check', 'svc.yaml']\n"
            "import atexit, os\n"
            "real_exit = os._exit\n"
            "def report(code):\n"
            "    from kubelint.rules.apiserver import syntax\n"
            "    unwanted = ['email.utils', 'socket', 'calendar', 'dataclasses', 'difflib']\n"
            "    print(sorted(m for m in unwanted if m in sys.modules), 'match' in vars(syntax._LABEL_KEY),\n"
            "          'jsonschema_rs' in sys.modules, 'email.utils' in sys.modules)\n"
            "    sys.stdout.flush()\n"
            "    real_exit(code)\n"
            "os._exit = report\n"
            "run()\n")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                               env={**os.environ, "PYTHONPATH": REPO_ROOT})
    assert completed.stdout.strip().splitlines()[-1] == "[] False True False", completed.stderr


def test_the_findings_records_behave_as_the_dataclasses_they_were():
    import pickle

    from kubelint.findings import FILE_START, Finding, ObjectRef, RunResult, Severity

    ref = ObjectRef("v1", "Service", "shop", "web")
    assert ref == ObjectRef("v1", "Service", "shop", "web") != ObjectRef("v1", "Service", None, "web")
    assert hash(ref) == hash(("v1", "Service", "shop", "web")) and pickle.loads(pickle.dumps(ref)) == ref
    assert repr(ref) == "ObjectRef(api_version='v1', kind='Service', namespace='shop', name='web')"
    finding = Finding("a.yaml", FILE_START, "KL301", "service-port-range", Severity.ERROR, "m", ref)
    # `suppressed` and `fix` are not compared (a suppressed finding is the same finding).
    marked = finding.replace(suppressed=True)
    assert marked == finding and hash(marked) == hash(finding) and marked.suppressed
    assert finding.replace(message="n") != finding
    assert pickle.loads(pickle.dumps(marked)).suppressed and pickle.loads(pickle.dumps(marked)) == finding
    assert repr(finding).startswith("Finding(path='a.yaml', position=Position(line=1, column=1, end_line=1, ")
    for record, field in ((ref, "name"), (finding, "rule")):
        with pytest.raises(AttributeError):
            setattr(record, field, "x")
        with pytest.raises(AttributeError):
            delattr(record, field)
    result = RunResult("1.37", [finding], files=1, objects=1, skipped=0)
    assert result.checked == [] and result == RunResult("1.37", [marked], 1, 1, 0) and result.suppressed == 0


def test_the_stand_in_hands_any_other_name_to_the_real_module():
    # A later jsonschema-rs may read more of email.utils while it loads: those names come from
    # the real module, which then replaces the stand-in.
    import subprocess
    import sys

    code = ("import sys\n"
            "from kubelint.schemas import rust_engine\n"
            "sys.modules.pop('email.utils', None)\n"
            "from types import ModuleType\n"
            "stand_in = ModuleType('email.utils')\n"
            "stand_in.__getattr__ = rust_engine._real_attribute\n"
            "sys.modules['email.utils'] = stand_in\n"
            "print(stand_in.formatdate(0, usegmt=True))\n"
            "import email.utils\n"
            "print(sys.modules['email.utils'] is not stand_in)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "Thu, 01 Jan 1970 00:00:00 GMT\nTrue\n"

"""`--format junit`: JUnit XML, one test case per object checked, for CI test-report views.

A test case fails when one of its findings is at or above --fail-on (as the exit code does);
findings below it are listed in the case's system-out. Objects of a kustomize overlay are test
cases of the overlay (their findings may sit in several source files)."""

from __future__ import annotations

from collections import defaultdict
from typing import Dict, List, Optional, Tuple
from xml.etree import ElementTree as ET

from .base import Formatter, fails
from .escape import visible


class JunitFormatter(Formatter):
    def format(self, result) -> str:  # type: ignore[no-untyped-def]
        by_object: Dict[Tuple[str, Optional[object]], List] = defaultdict(list)
        for f in result.active():
            by_object[(f.overlay or f.path, f.object)].append(f)
        objects_by_path: Dict[str, Dict] = defaultdict(dict)  # path -> objects, in order, once each
        for path, ref in result.checked:
            objects_by_path[path].setdefault(ref, None)
        cases: List[Tuple[str, str, List]] = []
        used = set()
        for path in result.file_paths:
            if (path, None) in by_object:  # file-level findings: syntax errors, unreadable files
                cases.append((path, "file", by_object[(path, None)]))
                used.add((path, None))
            for ref in objects_by_path[path]:
                cases.append((path, f"{ref.api_version} {ref.label()}", by_object.get((path, ref), [])))
                used.add((path, ref))
        for (path, ref), found in by_object.items():  # findings in context files (--context)
            if (path, ref) not in used:
                cases.append((path, "file" if ref is None else f"{ref.api_version} {ref.label()}", found))
        fail_on = self.options.fail_on
        failures = sum(1 for _, _, found in cases if any(fails(f.severity, fail_on) for f in found))
        suites = ET.Element("testsuites", name="kubelint", tests=str(len(cases)), failures=str(failures))
        suite = ET.SubElement(suites, "testsuite", name="kubelint", tests=str(len(cases)),
                              failures=str(failures), errors="0", skipped="0")
        for path, name, found in cases:
            # Control characters are not allowed in XML 1.0 at all, escaped or not: shown as \x1b.
            case = ET.SubElement(suite, "testcase", classname=visible(path), name=visible(name))
            passing = []
            for f in found:
                text = f"{f.path}:{f.line}:{f.column}: {f.severity.value} {f.rule} {f.message}"
                if not fails(f.severity, fail_on):
                    passing.append(text)
                    continue
                failure = ET.SubElement(case, "failure", type=f"{f.rule} {f.name}",
                                        message=visible(f"{f.severity.value}: {f.message}"))
                failure.text = visible(text)
            if passing:
                ET.SubElement(case, "system-out").text = visible("\n".join(passing))
        ET.indent(suites)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"

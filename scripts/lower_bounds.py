"""Print a pip constraints file that pins every dependency of pyproject.toml (and of its `test`
extra) to its declared lower bound, for the CI run with the oldest supported releases:

    python3 scripts/lower_bounds.py > lowest.txt && pip install -c lowest.txt -e '.[test]'

A requirement without a lower bound is an error: its oldest release was never tested.
"""

from __future__ import annotations

import os
import re
import sys

PYPROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyproject.toml")
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;]*?)\s*(;.*)?$")


def requirements(text: str) -> list:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    project = tomllib.loads(text)["project"]
    return list(project["dependencies"]) + list(project.get("optional-dependencies", {}).get("test", []))


def lower_bound(requirement: str) -> str:
    match = _REQUIREMENT.match(requirement)
    if match is None:
        raise SystemExit(f"cannot read requirement {requirement!r}")
    name, specifiers, marker = match.group(1), match.group(2), match.group(3) or ""
    bounds = [s.strip()[2:].strip() for s in specifiers.split(",") if s.strip().startswith(">=")]
    if len(bounds) != 1:
        raise SystemExit(f"{requirement!r} needs exactly one '>=' lower bound")
    return f"{name}=={bounds[0]}{marker}"


def main() -> int:
    with open(PYPROJECT, encoding="utf-8") as handle:
        text = handle.read()
    for requirement in requirements(text):
        print(lower_bound(requirement))
    return 0


if __name__ == "__main__":
    sys.exit(main())

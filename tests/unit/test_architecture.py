"""The package layering of ARCHITECTURE.md, enforced: no import cycles, and each package
imports only packages below it. Every import counts, including lazy ones inside functions and
those under `if TYPE_CHECKING:` (a cycle hidden in a function is still a cycle)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Set

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "kubelint"

# Bottom to top. A module may import its own layer's package and any layer below it; packages
# in the same layer may not import each other. Keep in step with ARCHITECTURE.md.
LAYERS: List[Set[str]] = [
    {"kubelint.lazy_regex", "kubelint.named_tuple"},
    {"kubelint", "kubelint.findings", "kubelint.config"},
    {"kubelint.input"},
    {"kubelint.model"},
    {"kubelint.cel"},
    {"kubelint.schemas"},
    {"kubelint.admission"},
    {"kubelint.rules"},
    {"kubelint.run", "kubelint.formatters"},
    {"kubelint.fix"},
    {"kubelint.cli_args"},
    {"kubelint.cli"},
    {"kubelint.__main__"},
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> Dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path, known: Set[str]) -> Set[str]:
    """The kubelint modules `name` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: Set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("kubelint"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("kubelint"):
                target = node.module
            else:
                continue
            # `from pkg import module` imports the module; `from module import name` the module.
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in known else target)
    return {module for module in found if module in known and module != name}


def _graph() -> Dict[str, Set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _layer(module: str) -> int:
    best, where = -1, -1
    for number, names in enumerate(LAYERS):
        for prefix in names:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, where = len(prefix), number
    return where


def _package(module: str) -> str:
    for names in LAYERS:
        for prefix in sorted(names, key=len, reverse=True):
            if prefix != "kubelint" and (module == prefix or module.startswith(prefix + ".")):
                return prefix
    return "kubelint"


def test_every_module_has_a_layer():
    unplaced = sorted(name for name in _modules() if _layer(name) < 0)
    assert not unplaced, f"modules outside every layer of ARCHITECTURE.md: {unplaced}"


def test_no_import_cycles():
    graph = _graph()
    cycles: List[List[str]] = []
    state: Dict[str, int] = {}  # 1: on the stack, 2: done
    stack: List[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(cycle) for cycle in cycles)


def test_packages_import_only_packages_below_them():
    wrong = []
    for module, targets in sorted(_graph().items()):
        for target in sorted(targets):
            if _package(module) == _package(target):
                continue
            if _layer(target) >= _layer(module):
                wrong.append(f"{module} imports {target}")
    assert not wrong, "imports against the layering:\n" + "\n".join(wrong)


@pytest.mark.parametrize("source, expected", [
    ("from ..findings import Finding", {"kubelint.findings"}),
    ("from ..model import validation", {"kubelint.model.validation"}),
    ("def f():\n    from .sibling import x", {"kubelint.rules.sibling"}),
])
def test_the_import_reader_sees_relative_and_lazy_imports(tmp_path, source, expected):
    # The check above is only as good as this reader: prove it resolves each form it must see.
    path = tmp_path / "probe.py"
    path.write_text(source)
    known = {"kubelint.findings", "kubelint.model", "kubelint.model.validation", "kubelint.rules.sibling"}
    assert _imports("kubelint.rules.probe", path, known) == expected

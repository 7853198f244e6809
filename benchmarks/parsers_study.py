"""Time candidate YAML parsers on the benchmark corpus and show how they type plain scalars.

Not part of kubelint: a measurement for choosing a fast parse path (see PARSERS.md).
Run it in a throwaway venv that has the candidates installed, never the project's deps:

    python -m venv /tmp/pvenv
    /tmp/pvenv/bin/pip install pyyaml orjson rapidyaml ryaml yaml-rs pyyaml-rs fastyaml-rs \
        fastyaml ruamel.yaml ruamel.yaml.clib msgspec
    /tmp/pvenv/bin/python benchmarks/parsers_study.py [CORPUS_DIR] [--repeat 5]

Parsers that are not importable are listed as such. Every file's text is read into memory
first; the timings are parse only, one process, median of --repeat passes over the corpus.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import yaml  # noqa: E402

# How Kubernetes (sigs.k8s.io/yaml on go-yaml v2, YAML 1.1) reads these plain scalars.
PROBES: list[tuple[str, Any]] = [
    ("yes", True),
    ("no", False),
    ("on", True),
    ("0644", 420),
    ("1e3", 1000.0),
    ("2024-01-01", "2024-01-01"),
    ("~", None),
    ("y", True),
    ("Off", False),
    ("N", False),
]

DUP_KEYS = "a: 1\na: 2\n"


def _split_docs(text: str) -> list[str]:
    return [d for d in re.split(r"(?m)^---\n", text) if d.strip()]


class Candidate:
    def __init__(self, name: str, module: str, load_all: Callable[[str, bytes], list[Any]], dicts: str, note: str = "") -> None:
        self.name, self.module, self.load_all, self.dicts, self.note = name, module, load_all, dicts, note


def candidates() -> list[Candidate]:
    out: list[Candidate] = []
    C: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out.append(Candidate("PyYAML load_all CSafeLoader", "yaml", lambda s, b: list(yaml.load_all(b, Loader=C)), "yes", "the baseline"))
    out.append(Candidate("PyYAML load_all CSafeLoader, str input", "yaml", lambda s, b: list(yaml.load_all(s, Loader=C)), "yes"))
    out.append(Candidate("PyYAML compose_all CSafeLoader", "yaml", lambda s, b: list(yaml.compose_all(b, Loader=C)), "no: nodes with marks", "typing and dicts still to do"))
    out.append(Candidate("PyYAML compose_all CSafeLoader, GC paused", "yaml", _gc_paused(lambda s, b: list(yaml.compose_all(b, Loader=C))), "no: nodes with marks", "gc.disable() around the parse"))
    out.append(Candidate("PyYAML load_all SafeLoader (pure Python)", "yaml", lambda s, b: list(yaml.load_all(s, Loader=yaml.SafeLoader)), "yes"))
    out.append(Candidate("json.loads of an equivalent JSON dump", "json", None, "yes", "floor: JSON, not YAML"))  # type: ignore[arg-type]
    out.append(Candidate("orjson.loads of an equivalent JSON dump", "orjson", None, "yes", "floor: JSON, not YAML"))  # type: ignore[arg-type]

    def ryml_tree(s: str, b: bytes) -> list[Any]:
        import ryml
        return [ryml.parse_in_arena(b)]

    def ryml_json(s: str, b: bytes) -> list[Any]:
        import ryml
        t = ryml.parse_in_arena(b)
        root = t.root_id()
        ids = list(ryml.children(t)) if t.is_stream(root) else [root]
        return [json.loads(ryml.emit_json(t, d)) for d in ids]

    out.append(Candidate("rapidyaml (ryml) parse_in_arena", "ryml", ryml_tree, "no: a C++ tree", "parse only"))
    def ryml_walk(s: str, b: bytes) -> list[Any]:
        import ryml
        t = ryml.parse_in_arena(b)
        root = t.root_id()
        ids = list(ryml.children(t)) if t.is_stream(root) else [root]
        return [_ryml_to_py(t, d, ryml.NONE) for d in ids]

    out.append(Candidate("rapidyaml parse + Python tree walk, YAML 1.1 typing", "ryml", ryml_walk, "yes", "walk written here; keeps quoted vs plain"))
    out.append(Candidate("rapidyaml parse + emit_json + json.loads", "ryml", ryml_json, "yes, via JSON", "JSON typing, not YAML 1.1"))

    def ryaml_load(s: str, b: bytes) -> list[Any]:
        import ryaml
        return ryaml.loads_all(s)

    out.append(Candidate("ryaml loads_all", "ryaml", ryaml_load, "yes"))

    def yaml_rs_load(s: str, b: bytes) -> list[Any]:
        import yaml_rs
        r = yaml_rs.loads(s)
        return r if s.count("\n---") else [r]

    out.append(Candidate("yaml-rs (yaml_rs) loads", "yaml_rs", yaml_rs_load, "yes", "one doc comes back bare, several as a list"))

    def pyyaml_rs_load(s: str, b: bytes) -> list[Any]:
        import pyyaml_rs
        return list(pyyaml_rs.safe_load_all(s))

    out.append(Candidate("pyyaml-rs safe_load_all", "pyyaml_rs", pyyaml_rs_load, "yes"))

    def fast_yaml_load(s: str, b: bytes) -> list[Any]:
        import fast_yaml
        return list(fast_yaml.safe_load_all(s))

    out.append(Candidate("fastyaml-rs (fast_yaml) safe_load_all", "fast_yaml", fast_yaml_load, "yes"))

    def fastyaml_load(s: str, b: bytes) -> list[Any]:
        import fastyaml
        return [fastyaml.loads(d) for d in _split_docs(s)]

    out.append(Candidate("fastyaml loads (docs pre-split)", "fastyaml", fastyaml_load, "yes", "one document per call; several panic"))

    def ruamel_load(s: str, b: bytes) -> list[Any]:
        return list(_ruamel().load_all(s))

    out.append(Candidate("ruamel.yaml typ=safe (C)", "ruamel.yaml", ruamel_load, "yes", "YAML 1.2 unless told otherwise"))

    def msgspec_load(s: str, b: bytes) -> list[Any]:
        import msgspec
        return [msgspec.yaml.decode(d) for d in _split_docs(s)]

    out.append(Candidate("msgspec.yaml.decode (docs pre-split)", "msgspec", msgspec_load, "yes", "PyYAML underneath"))
    return out


_RUAMEL = None

_BOOLS = {v: True for v in "y Y yes Yes YES true True TRUE on On ON".split()}
_BOOLS.update({v: False for v in "n N no No NO false False FALSE off Off OFF".split()})
_NULLS = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|[0-9][0-9_]*)")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"), "-.inf": float("-inf"), "-.Inf": float("-inf"),
                   "-.INF": float("-inf"), ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan")}


def k8s_plain(v: str) -> Any:
    """Type a plain scalar the way go-yaml v2 does (YAML 1.1; timestamps stay strings)."""
    if not v or v[0] not in "0123456789-+.~nNyYtTfFoO":
        return None if v == "" else v
    if v in _BOOLS:
        return _BOOLS[v]
    if v in _NULLS:
        return None
    if _INT.fullmatch(v):
        t = v.replace("_", "")
        sign = -1 if t[0] == "-" else 1
        t = t.lstrip("+-")
        if t.startswith("0b"):
            return sign * int(t[2:], 2)
        if t.startswith("0x"):
            return sign * int(t[2:], 16)
        if len(t) > 1 and t[0] == "0":
            return sign * int(t, 8)
        return sign * int(t)
    if v in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[v]
    if _FLOAT.fullmatch(v):
        return float(v.replace("_", ""))
    return v


def _ryml_to_py(t: Any, n: int, none: int) -> Any:
    if t.is_map(n):
        d = {}
        ch = t.first_child(n)
        while ch != none:
            d[bytes(t.key(ch)).decode()] = _ryml_to_py(t, ch, none)
            ch = t.next_sibling(ch)
        return d
    if t.is_seq(n):
        out = []
        ch = t.first_child(n)
        while ch != none:
            out.append(_ryml_to_py(t, ch, none))
            ch = t.next_sibling(ch)
        return out
    if t.val_is_null(n):
        return None
    v = bytes(t.val(n)).decode()
    if t.is_val_plain(n):
        return k8s_plain(v)
    return v


def _gc_paused(fn: Callable[[str, bytes], list[Any]]) -> Callable[[str, bytes], list[Any]]:
    import gc

    def run(s: str, b: bytes) -> list[Any]:
        gc.disable()
        try:
            return fn(s, b)
        finally:
            gc.enable()

    return run


def _ruamel() -> Any:
    global _RUAMEL
    if _RUAMEL is None:
        from ruamel.yaml import YAML
        _RUAMEL = YAML(typ="safe", pure=False)
    return _RUAMEL


def first_diff(a: Any, b: Any, path: str = "") -> str | None:
    """Where a differs from b (the CSafeLoader result), as 'path: a != b'."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in b:
            if k not in a:
                return f"{path}/{k}: missing"
            d = first_diff(a[k], b[k], f"{path}/{k}")
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, f"{path}/{i}")
            if d:
                return d
        return None
    return None if (a == b and type(a) is type(b)) else f"{path}: {a!r} vs {b!r}"


def compare(got: list[list[Any]], docs: list[list[Any]]) -> str:
    diffs: dict[str, int] = {}
    n = 0
    for g, d in zip(got, docs):
        for x, y in zip(g, d):
            diff = first_diff(x, y)
            if diff:
                n += 1
                key = re.sub(r"/\d+", "/*", diff.split(":")[0].rsplit("/", 1)[-1]) + ": " + diff.split(": ", 1)[1]
                diffs[key] = diffs.get(key, 0) + 1
    if not n:
        return "same"
    top = sorted(diffs.items(), key=lambda kv: -kv[1])[:2]
    return f"{n} differ (" + "; ".join(f"{k} ×{v}" for k, v in top) + ")"


def importable(module: str) -> bool:
    try:
        __import__(module)
        return True
    except Exception:  # noqa: BLE001
        return False


def time_corpus(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up: imports, caches
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def typing_of(c: Candidate) -> tuple[str, str]:
    """(cells for the probes, duplicate-key behaviour)."""
    cells = []
    if c.name.startswith("PyYAML compose"):
        for text, _ in PROBES:
            node: Any = yaml.compose(f"v: {text}\n", Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            cells.append("tag " + node.value[0][1].tag.rsplit(":", 1)[-1])
        return " | ".join(cells), "accepts (the constructor keeps the last)"
    for text, _ in PROBES:
        doc = f"v: {text}\n"
        try:
            if c.load_all is None:
                cells.append("n/a")
                continue
            got = c.load_all(doc, doc.encode())
            v: Any = got[0] if c.dicts.startswith("yes") else None
            if v is None and not c.dicts.startswith("yes"):
                cells.append("n/a")
                continue
            cells.append(repr(v["v"]))
        except BaseException as e:  # noqa: BLE001 - some wrappers panic with BaseException
            cells.append(f"error: {type(e).__name__}")
    if c.load_all is None or not c.dicts.startswith("yes"):
        return " | ".join(cells), "n/a"
    try:
        got = c.load_all(DUP_KEYS, DUP_KEYS.encode())
        dup = f"accepts, a={got[0]['a']}"
    except BaseException as e:  # noqa: BLE001
        dup = f"rejects ({type(e).__name__})"
    return " | ".join(cells), dup


def _corpus_fn(c: Candidate, texts: list[str], blobs: list[bytes], json_texts: list[str]) -> Callable[[], Any]:
    """One pass of candidate c over the whole corpus."""
    if c.module in ("json", "orjson"):
        mod: Any = __import__(c.module)
        return lambda: [mod.loads(j) for j in json_texts]
    load_all = c.load_all
    return lambda: [load_all(s, b) for s, b in zip(texts, blobs)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", help="corpus dir (default: generate the scale=1 corpus in a temp dir)")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)
    if a.corpus:
        root = Path(a.corpus)
    else:
        import corpus
        root = Path(tempfile.mkdtemp(prefix="kubelint-parsers-"))
        corpus.generate(root, files=500, seed=0)
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.yaml"))]
    blobs = [t.encode() for t in texts]
    C = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    docs = [list(yaml.load_all(b, Loader=C)) for b in blobs]
    n_objects = sum(len(d) for d in docs)
    json_texts = [json.dumps(d) for d in docs]
    print(f"corpus: {root} — {len(texts)} files, {n_objects} objects, {sum(map(len, blobs)) / 1e6:.1f} MB; "
          f"Python {sys.version.split()[0]}; median of {a.repeat}")
    rows = []
    base = None
    for c in candidates():
        if not importable(c.module):
            rows.append((c.name, "not installed", "", c.dicts, "", "", c.note))
            continue
        fn = _corpus_fn(c, texts, blobs, json_texts)
        try:
            if c.dicts.startswith("yes") and c.module not in ("json", "orjson"):
                got = [c.load_all(s, b) for s, b in zip(texts, blobs)]
                same = compare(got, docs)
            else:
                same = ""
            secs = time_corpus(fn, a.repeat)
        except BaseException as e:  # noqa: BLE001
            rows.append((c.name, f"fails: {type(e).__name__}: {str(e)[:60]}", "", c.dicts, "", "", c.note))
            continue
        if base is None:
            base = secs
        cells, dup = typing_of(c)
        rows.append((c.name, f"{secs:.3f}", f"{secs / base:.2f}", c.dicts, same, cells, dup + ("; " + c.note if c.note else "")))
    print()
    print("| parser | seconds | / CSafeLoader | Python dicts | same objects as CSafeLoader | " + " | ".join(f"`{p}`" for p, _ in PROBES) + " | duplicate keys; notes |")
    print("|" + " --- |" * (6 + len(PROBES)))
    expect = " | ".join(repr(v) for _, v in PROBES)
    print(f"| Kubernetes (go-yaml v2, YAML 1.1) | | | | | {expect} | rejects (sigs.k8s.io/yaml strict) |")
    for r in rows:
        cells = r[5] if r[5] else " | ".join("" for _ in PROBES)
        print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {cells} | {r[6]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

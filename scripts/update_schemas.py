#!/usr/bin/env python3
"""Regenerate kubelint/schemas/data from the Kubernetes JSON schemas in the kubernetes-validate wheel.

For every Kubernetes minor version from --min-version up to the newest one the wheel ships,
this writes ``v1.NN.zlib``: the strict ``_definitions.json`` of that version with
documentation keywords stripped and IntOrString-style ``oneOf``s already rewritten the way
KindValidator would (``normalize_schema``), plus an index of (apiVersion, kind) to definition
name; the layout is described in ``kubelint/schemas/bundled.py``. ``manifest.json`` records
the source wheel and the sha256 of every file.

Output is byte-for-byte reproducible for a given wheel (sorted keys, compact separators).
One caveat: the compressed bytes depend on the zlib build, so regenerate with the same
CPython/zlib to get identical sums.

Usage:
    python scripts/update_schemas.py                       # download the wheel with pip
    python scripts/update_schemas.py --wheel path/to.whl   # use a wheel already on disk
    python scripts/update_schemas.py --check               # exit 1 if data/ is out of date
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's kubelint

from kubelint.schemas.bundled import data_file_name  # noqa: E402
from kubelint.schemas.validator import normalize_schema  # noqa: E402

PACKAGE = "kubernetes-validate"
DEFAULT_PACKAGE_VERSION = "1.37.0"
DEFAULT_MIN_VERSION = "1.25"
SCHEMA_ROOT = "kubernetes_validate/kubernetes-json-schema/"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "kubelint" / "schemas" / "data"

# Annotation keywords that cost space and never affect validation. They are removed only
# where they are keywords of a schema object, never where they are property names.
STRIPPED_KEYWORDS = frozenset(
    {
        "description",
        "x-kubernetes-patch-strategy",
        "x-kubernetes-patch-merge-key",
        "x-kubernetes-group-version-kind",
    }
)
# Keywords whose value is a map of name -> subschema (the names are data, not keywords).
SCHEMA_MAP_KEYWORDS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
# Keywords whose value is a single subschema.
SCHEMA_KEYWORDS = frozenset(
    {
        "items",
        "additionalProperties",
        "additionalItems",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contains",
        "propertyNames",
        "not",
        "if",
        "then",
        "else",
    }
)
# Keywords whose value is a list of subschemas.
SCHEMA_LIST_KEYWORDS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})

# apimachinery's meta/v1 types carry a GVK (Status, DeleteOptions, WatchEvent, APIGroup, ...)
# but they are request options and server responses, not resources anyone writes in a
# manifest; listing them as kinds would make "kind: Status" validate instead of being unknown.
NON_RESOURCE_PREFIX = "io.k8s.apimachinery.pkg.apis.meta.v1."

STRICT_DIR_RE = re.compile(r"^v1\.(\d+)\.0-local-strict$")


def strip_schema(schema: Any) -> Any:
    """Return a copy of a JSON Schema without the annotation keywords in STRIPPED_KEYWORDS."""
    if not isinstance(schema, dict):
        return schema  # boolean schemas (additionalProperties: false)
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in STRIPPED_KEYWORDS:
            continue
        if key in SCHEMA_MAP_KEYWORDS:
            out[key] = {name: strip_schema(sub) for name, sub in value.items()}
        elif key in SCHEMA_KEYWORDS:
            out[key] = strip_schema(value)
        elif key in SCHEMA_LIST_KEYWORDS:
            out[key] = [strip_schema(sub) for sub in value]
        else:
            # enum, required, type, format, x-kubernetes-* ...: data, kept verbatim.
            out[key] = value
    return out


def iter_refs(node: Any) -> Iterator[str]:
    """Yield every $ref value found anywhere in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from iter_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from iter_refs(item)


def api_version(group: str, version: str) -> str:
    return f"{group}/{version}" if group else version


def strict_versions(wheel: zipfile.ZipFile, min_minor: int) -> list[int]:
    """Minor versions (>= min_minor) for which the wheel has a -local-strict directory."""
    minors = set()
    for name in wheel.namelist():
        if not name.startswith(SCHEMA_ROOT):
            continue
        parts = name[len(SCHEMA_ROOT) :].split("/")
        match = STRICT_DIR_RE.match(parts[0])
        if match and len(parts) > 1 and int(match.group(1)) >= min_minor:
            minors.add(int(match.group(1)))
    return sorted(minors)


def build_kinds(wheel: zipfile.ZipFile, directory: str, defs: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Map apiVersion -> kind -> definition name for the resource kinds of one version.

    A kind is listed when it has its own per-kind file carrying exactly one
    x-kubernetes-group-version-kind, and the matching definition is an object with
    apiVersion and kind properties plus metadata or items (resources and their *List kinds).
    """
    by_gvk: dict[tuple[str, str, str], str] = {}
    for name, schema in defs.items():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            key = (gvk["group"], gvk["version"], gvk["kind"])
            if key in by_gvk:
                raise SystemExit(f"{directory}: {key} is claimed by {by_gvk[key]} and {name}")
            by_gvk[key] = name

    kinds: dict[str, dict[str, str]] = {}
    for member in wheel.namelist():
        if not member.startswith(directory) or not member.endswith(".json"):
            continue
        if member.rsplit("/", 1)[-1] in ("_definitions.json", "all.json"):
            continue
        gvks = json.loads(wheel.read(member)).get("x-kubernetes-group-version-kind")
        if not gvks or len(gvks) != 1:
            # None: a plain type (ServicePort, ...). Many: DeleteOptions / WatchEvent,
            # which every group version shares; they are not resources.
            continue
        gvk = gvks[0]
        key = (gvk["group"], gvk["version"], gvk["kind"])
        def_name = by_gvk.get(key)
        if def_name is None:
            raise SystemExit(f"{member}: no definition in _definitions.json has GVK {key}")
        if def_name.startswith(NON_RESOURCE_PREFIX):
            continue
        props = defs[def_name].get("properties", {})
        # "items" too: 1.31's resource.k8s.io/v1alpha3 ResourceSliceList names its ListMeta
        # field "listMeta" (an upstream slip), and it is still a served kind.
        if not {"apiVersion", "kind"} <= props.keys() or not props.keys() & {"metadata", "items"}:
            continue
        kinds.setdefault(api_version(*key[:2]), {})[key[2]] = def_name
    return kinds


def check_version(label: str, defs: dict[str, Any], kinds: dict[str, dict[str, str]]) -> None:
    """Fail loudly if the stripped definitions are unusable."""
    import jsonschema  # only the script needs it

    for ref in iter_refs(defs):
        if not ref.startswith("#/$defs/") or ref[len("#/$defs/") :] not in defs:
            raise SystemExit(f"{label}: unresolvable $ref {ref!r}")
    for by_kind in kinds.values():
        for name in by_kind.values():
            if name not in defs:
                raise SystemExit(f"{label}: kind index points at missing definition {name}")
    for name, schema in defs.items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            raise SystemExit(f"{label}: definition {name} does not compile: {exc.message}") from exc

    # Smoke test: strictness and types survived the stripping.
    validator = jsonschema.Draft202012Validator({"$ref": "#/$defs/io.k8s.api.core.v1.Service", "$defs": defs})
    good = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}
    bad_type = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": "80"}]}}
    unknown = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"portz": []}}
    if list(validator.iter_errors(good)):
        raise SystemExit(f"{label}: a valid Service fails validation")
    if not list(validator.iter_errors(bad_type)):
        raise SystemExit(f"{label}: a Service with port: \"80\" passes validation")
    if not list(validator.iter_errors(unknown)):
        raise SystemExit(f"{label}: a Service with an unknown field passes validation (not strict)")


def render(label: str, source: str, defs: dict[str, Any], kinds: dict[str, dict[str, str]]) -> bytes:
    """One version's file: the index line, then every definition's compact JSON, zlib level 9."""
    names = sorted(defs)
    numbers = {name: number for number, name in enumerate(names)}
    texts: list[str] = []
    entries: list[list[Any]] = []
    offset = 0
    for name in names:
        if json.dumps(name) != f'"{name}"':
            raise SystemExit(f"{label}: definition name {name!r} would need escaping in JSON")
        text = json.dumps(defs[name], sort_keys=True, separators=(",", ":"))
        refers_to = sorted({numbers[ref[len("#/$defs/"):]] for ref in iter_refs(defs[name])})
        entries.append([name, offset, offset + len(text), refers_to])
        texts.append(text)
        offset += len(text)
    index = {"kubernetesVersion": label, "source": source, "kinds": kinds, "definitions": entries}
    payload = json.dumps(index, sort_keys=True, separators=(",", ":")) + "\n" + "".join(texts)
    return zlib.compress(payload.encode("ascii"), 9)


def build(wheel_path: Path, package_version: str, min_minor: int) -> dict[str, bytes]:
    """Return {file name: bytes} for every output file, manifest.json included."""
    wheel_bytes = wheel_path.read_bytes()
    files: dict[str, bytes] = {}
    versions: list[str] = []
    with zipfile.ZipFile(io.BytesIO(wheel_bytes)) as wheel:
        minors = strict_versions(wheel, min_minor)
        if not minors:
            raise SystemExit(f"{wheel_path}: no v1.NN.0-local-strict schemas with NN >= {min_minor}")
        for minor in minors:
            label = f"1.{minor}"
            directory = f"{SCHEMA_ROOT}v1.{minor}.0-local-strict/"
            raw_defs = json.loads(wheel.read(directory + "_definitions.json"))["$defs"]
            kinds = build_kinds(wheel, directory, raw_defs)
            defs = {name: normalize_schema(strip_schema(schema)) for name, schema in raw_defs.items()}
            check_version(label, defs, kinds)
            name = data_file_name(label)
            files[name] = render(label, f"{PACKAGE}=={package_version}", defs, kinds)
            versions.append(label)
            count = sum(len(v) for v in kinds.values())
            print(f"  {label}: {len(defs)} definitions, {count} kinds, {len(files[name])} bytes")
    manifest = {
        "source": {
            "package": PACKAGE,
            "version": package_version,
            "wheelSha256": hashlib.sha256(wheel_bytes).hexdigest(),
        },
        "versions": versions,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    files["manifest.json"] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    return files


def download_wheel(package_version: str, dest: Path) -> Path:
    cmd = [
        sys.executable, "-m", "pip", "download", f"{PACKAGE}=={package_version}",
        "--no-deps", "--only-binary=:all:", "-d", str(dest),
    ]  # fmt: skip
    subprocess.run(cmd, check=True)
    wheels = sorted(dest.glob("*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one wheel in {dest}, found {[w.name for w in wheels]}")
    return wheels[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="use this kubernetes-validate wheel instead of downloading it")
    parser.add_argument("--package-version", default=DEFAULT_PACKAGE_VERSION, help="kubernetes-validate version")
    parser.add_argument("--min-version", default=DEFAULT_MIN_VERSION, help="oldest Kubernetes minor to bundle")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if --out is out of date")
    args = parser.parse_args(argv)

    min_minor = int(args.min_version.removeprefix("v").split(".")[1])
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(args.package_version, Path(tmp))
        match = re.match(r"kubernetes_validate-([^-]+)-", wheel.name)
        if match and match.group(1) != args.package_version:
            raise SystemExit(f"{wheel.name} is not version {args.package_version} (see --package-version)")
        print(f"reading {wheel}")
        files = build(wheel, args.package_version, min_minor)

    out: Path = args.out
    # Files of versions no longer bundled, or in an older layout (v1.NN.json.gz).
    stale = sorted(p.name for p in out.glob("v1.*") if p.name not in files) if out.is_dir() else []
    if args.check:
        changed = [n for n, data in files.items() if not (out / n).is_file() or (out / n).read_bytes() != data]
        for name in changed + stale:
            print(f"out of date: {out / name}")
        return 1 if changed or stale else 0

    out.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (out / name).unlink()
    for name, data in files.items():
        (out / name).write_bytes(data)
    total = sum(len(d) for d in files.values())
    print(f"wrote {len(files)} files, {total} bytes, to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

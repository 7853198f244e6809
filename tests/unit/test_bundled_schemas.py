"""The bundled Kubernetes schemas: integrity, coverage, and the kind index."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any, Iterator

import pytest

from kubelint.schemas import bundled
from kubelint.schemas.validator import normalize_schema

VERSIONS = [f"1.{minor}" for minor in range(25, 38)]
DATA = resources.files("kubelint.schemas").joinpath("data")

COMMON_KINDS = {
    "v1": ["Service", "Pod", "Namespace", "ConfigMap", "Secret", "PersistentVolumeClaim", "ServiceAccount",
           "ServiceList"],
    "apps/v1": ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"],
    "batch/v1": ["Job", "CronJob"],
    "networking.k8s.io/v1": ["Ingress", "IngressClass", "NetworkPolicy"],
    "policy/v1": ["PodDisruptionBudget"],
    "rbac.authorization.k8s.io/v1": ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
    "autoscaling/v2": ["HorizontalPodAutoscaler"],
    "apiextensions.k8s.io/v1": ["CustomResourceDefinition"],
}


def _manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(DATA.joinpath("manifest.json").read_text(encoding="utf-8"))
    return manifest


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_files_match_manifest_sha256() -> None:
    # Computed here from the raw bytes, independently of verify_checksums.
    files = _manifest()["files"]
    assert sorted(files) == [bundled.data_file_name(v) for v in VERSIONS]
    for name, expected in files.items():
        assert hashlib.sha256(DATA.joinpath(name).read_bytes()).hexdigest() == expected, name


def test_verify_checksums_clean() -> None:
    assert bundled.verify_checksums() == []


def test_verify_checksums_detects_a_changed_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    real = bundled._read_data

    def tampered(name: str) -> bytes:
        data = real(name)
        if name == "v1.30.zlib":
            return data[:100] + bytes([data[100] ^ 1]) + data[101:]
        return data

    monkeypatch.setattr(bundled, "_read_data", tampered)
    assert bundled.verify_checksums() == ["v1.30.zlib"]


def test_verify_checksums_detects_a_missing_file(monkeypatch: pytest.MonkeyPatch) -> None:
    real = bundled._read_data

    def missing(name: str) -> bytes:
        if name == "v1.25.zlib":
            raise FileNotFoundError(name)
        return real(name)

    monkeypatch.setattr(bundled, "_read_data", missing)
    assert bundled.verify_checksums() == ["v1.25.zlib"]


def test_manifest_records_the_source() -> None:
    source = _manifest()["source"]
    assert source["package"] == "kubernetes-validate"
    assert source["version"] == "1.37.0"
    assert len(source["wheelSha256"]) == 64


def test_available_versions_numeric_order() -> None:
    assert bundled.available_versions() == VERSIONS
    assert bundled.latest_version() == "1.37"


@pytest.mark.parametrize("spelling", ["1.37", "v1.37", "1.37.0", " 1.37 "])
def test_load_version_spellings(spelling: str) -> None:
    data = bundled.load_version(spelling)
    assert data["kubernetesVersion"] == "1.37"
    assert data is bundled.load_version("1.37")  # cached


@pytest.mark.parametrize("version", ["1.24", "1.38", "2.0", "latest", "", "1"])
def test_unknown_version(version: str) -> None:
    with pytest.raises(bundled.UnknownVersionError) as info:
        bundled.load_version(version)
    assert isinstance(info.value, ValueError)
    assert info.value.version == version
    assert info.value.available == VERSIONS
    assert "1.25 to 1.37" in str(info.value)



@pytest.mark.parametrize("version", VERSIONS)
def test_every_version_is_complete(version: str) -> None:
    data = bundled.load_version(version)
    assert data["kubernetesVersion"] == version
    assert data["source"] == "kubernetes-validate==1.37.0"
    defs = data["$defs"]
    for ref in _refs(defs):
        assert ref.startswith("#/$defs/"), ref
        assert ref[len("#/$defs/"):] in defs, ref
    for api_version, kinds in data["kinds"].items():
        for kind, name in kinds.items():
            assert name in defs, (api_version, kind)
            props = defs[name]["properties"]
            assert props["kind"].get("enum") == [kind], (api_version, kind)
            assert props["apiVersion"].get("enum") == [api_version], (api_version, kind)


@pytest.mark.parametrize("version", VERSIONS)
def test_annotations_are_stripped(version: str) -> None:
    stripped = ("description", "x-kubernetes-patch-strategy", "x-kubernetes-patch-merge-key",
                "x-kubernetes-group-version-kind")

    def walk(schema: Any) -> Iterator[str]:
        if not isinstance(schema, dict):
            return
        for key, value in schema.items():
            if key in stripped:
                yield key
            if key == "properties":
                for sub in value.values():
                    yield from walk(sub)
            elif key in ("items", "additionalProperties"):
                yield from walk(value)
            elif key in ("oneOf", "anyOf", "allOf"):
                for sub in value:
                    yield from walk(sub)

    defs = bundled.load_version(version)["$defs"]
    assert [key for schema in defs.values() for key in walk(schema)] == []


def test_property_named_description_survives() -> None:
    # Stripping removes the annotation keyword, never a field that happens to be called so.
    defs = bundled.load_version("1.37")["$defs"]
    column = defs["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceColumnDefinition"]
    assert "description" in column["properties"]
    props = defs["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"]["properties"]
    assert "description" in props
    assert "x-kubernetes-list-type" in props


@pytest.mark.parametrize("version", VERSIONS)
def test_common_kinds(version: str) -> None:
    kinds = bundled.load_version(version)["kinds"]
    for api_version, names in COMMON_KINDS.items():
        for kind in names:
            assert kind in kinds.get(api_version, {}), f"{api_version} {kind}"


def _closure(defs: dict[str, Any], root: str) -> set[str]:
    found: set[str] = set()
    pending = [root]
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending.extend(ref[len("#/$defs/"):] for ref in _refs(defs[name]))
    return found


@pytest.mark.parametrize("version", VERSIONS)
def test_kind_schema_holds_exactly_the_definitions_it_reaches(version: str) -> None:
    schemas = bundled.schema_set(version)
    defs = bundled.load_version(version)["$defs"]
    kinds = [(api, kind) for api, names in COMMON_KINDS.items() for kind in names]
    if version == "1.37":
        kinds = [(api, kind) for api, names in schemas.kinds.items() for kind in names]
    for api_version, kind in kinds:
        name = schemas.kinds[api_version][kind]
        schema = json.loads(schemas.kind_schema(name))
        assert schema["$ref"] == f"#/$defs/{name}"
        assert set(schema["$defs"]) == _closure(defs, name), (api_version, kind)
        assert all(schema["$defs"][n] == defs[n] for n in schema["$defs"])


def test_definitions_reached_from_one_root() -> None:
    defs = bundled.load_version("1.37")["$defs"]
    meta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    assert bundled.schema_set("1.37").definitions(meta) == {name: defs[name] for name in _closure(defs, meta)}


@pytest.mark.parametrize("version", VERSIONS)
def test_definitions_are_bundled_normalized(version: str) -> None:
    # KindValidator.from_json trusts the bundled schemas to need no rewriting at run time.
    defs = bundled.load_version(version)["$defs"]
    assert normalize_schema(defs) == defs
    quantity = defs["io.k8s.apimachinery.pkg.api.resource.Quantity"]
    assert quantity == {"type": ["string", "null", "number"]}


def test_kind_index_points_at_definitions() -> None:
    kinds = bundled.load_version("1.37")["kinds"]
    assert kinds["apps/v1"]["Deployment"] == "io.k8s.api.apps.v1.Deployment"
    assert kinds["v1"]["Service"] == "io.k8s.api.core.v1.Service"
    assert kinds["networking.k8s.io/v1"]["Ingress"] == "io.k8s.api.networking.v1.Ingress"


def test_api_machinery_types_are_not_kinds() -> None:
    kinds = bundled.load_version("1.37")["kinds"]
    for kind in ("Status", "DeleteOptions", "WatchEvent", "APIGroup", "APIResourceList"):
        assert all(kind not in names for names in kinds.values()), kind


@pytest.mark.parametrize("version", VERSIONS)
def test_removed_apis_are_absent(version: str) -> None:
    kinds = bundled.load_version(version)["kinds"]
    assert "PodSecurityPolicy" not in kinds.get("policy/v1beta1", {})
    assert "CronJob" not in kinds.get("batch/v1beta1", {})


@pytest.mark.parametrize("version", VERSIONS)
def test_flowcontrol_v1beta3_window(version: str) -> None:
    served = "FlowSchema" in bundled.load_version(version)["kinds"].get("flowcontrol.apiserver.k8s.io/v1beta3", {})
    minor = int(version.split(".")[1])
    if 29 <= minor <= 31:
        assert served
    if minor >= 32:
        assert not served


def _service(port: Any, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"ports": [{"port": port}], **extra}
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": spec}


def test_definitions_compile_and_validate_strictly() -> None:
    import jsonschema
    defs = bundled.load_version("1.37")["$defs"]
    for name in ("io.k8s.api.core.v1.Service", "io.k8s.api.apps.v1.Deployment", "io.k8s.api.core.v1.ServicePort"):
        jsonschema.Draft202012Validator.check_schema(defs[name])
    validator = jsonschema.Draft202012Validator({"$ref": "#/$defs/io.k8s.api.core.v1.Service", "$defs": defs})
    assert list(validator.iter_errors(_service(80))) == []
    errors = list(validator.iter_errors(_service("80")))
    assert errors and list(errors[0].absolute_path) == ["spec", "ports", 0, "port"]
    # Strict: an unknown field is an error.
    assert list(validator.iter_errors(_service(80, portz=[])))


def _statefulset_without_service_name() -> str:
    from tests.helpers import web_deployment

    return web_deployment("- name: web\n  image: nginx:1.25").replace("kind: Deployment", "kind: StatefulSet")


@pytest.mark.parametrize("version", ["1.25", "1.32", "1.33", "1.37"])
def test_a_statefulset_without_service_name_is_accepted_at_every_version(version, tmp_path):
    """The OpenAPI listed StatefulSetSpec.serviceName as required until 1.33, but the API
    server never required it (kubernetes/kubernetes#130233): no KL103 at any version, while
    the other required fields of the same definition still are."""
    from tests.helpers import run_paths

    path = tmp_path / "sts.yaml"
    path.write_text(_statefulset_without_service_name())
    assert [f.rule for f in run_paths([str(path)], kubernetes_version=version).findings if f.rule == "KL103"] == []
    spec = bundled.schema_set(version).definitions("io.k8s.api.apps.v1.StatefulSet")["io.k8s.api.apps.v1.StatefulSetSpec"]
    assert spec["required"] == ["selector", "template"]
    path.write_text(_statefulset_without_service_name().replace("  selector:\n    matchLabels: {app: web}\n", ""))
    assert [(f.rule, f.line, f.message) for f in run_paths([str(path)], kubernetes_version=version).findings
            if f.rule == "KL103"] == [("KL103", 6, 'spec: missing required field "selector"')]

"""KL158 crd-definition: what the API server refuses when a CustomResourceDefinition is created,
beyond what KL107 (kubelint/schemas/crd.py, crdrules.py) already reports.

Follows k8s.io/apiextensions-apiserver pkg/apis/apiextensions/validation/validation.go
(ValidateCustomResourceDefinition; its name check, <plural>.<group>, is KL201's; validateCustomResourceDefinitionSpec,
ValidateCustomResourceDefinitionNames, validateCustomResourceDefinitionVersion,
validateDeprecationWarning, ValidateCustomResourceColumnDefinition,
ValidateCustomResourceDefinitionSubresources, validateCustomResourceConversion,
validatePreserveUnknownFields) after the v1 defaults (v1/defaults.go: singular is the lower-case
kind, listKind is kind + "List", conversion strategy None), with each version's schema checked by
crd_schema.py (structural rules), crd_defaults.py (defaults) and crd_cost.py (estimated CEL cost).

Only apiextensions.k8s.io/v1 is checked: v1beta1 is not served by any Kubernetes kubelint
supports (KL118 says so). Field paths are printed as the user wrote them (v1), where the server
prints its internal form (`spec.conversion.webhookClientConfig`, and `spec.validation` when all
versions share one schema).
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional

from ...findings import Pointer, Severity
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from .admissionregistration import client_config, listed_review_versions
from .crd_paths import field_path, json_text
from .errors import forbidden, invalid, invalid_omitted, not_supported, required
from .group_fields import items, mapping
from .syntax import max_len_error, regex_error

if TYPE_CHECKING:
    from ...model.context import RuleContext

V1 = "apiextensions.k8s.io/v1"
SCOPES = ("Cluster", "Namespaced")
STRATEGIES = ("None", "Webhook")
REVIEW_VERSIONS = ("v1", "v1beta1")
COLUMN_TYPES = ("boolean", "date", "integer", "number", "string")  # printerColumnDatatypes.List(), sorted
COLUMN_FORMATS = ("byte", "date", "date-time", "double", "float", "int32", "int64", "password")
DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035_MESSAGE = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                    "alphabetic character, and end with an alphanumeric character")


def dns1035_label(value: str) -> List[str]:
    """utilvalidation.IsDNS1035Label, word for word."""
    import re

    problems = []
    if len(value) > 63:
        problems.append(max_len_error(63))
    if not re.fullmatch(DNS1035_FMT, value):
        problems.append(regex_error(_DNS1035_MESSAGE, DNS1035_FMT, "my-name", "abc-123"))
    return problems


class CrdDefinition(Rule):
    """ValidateCustomResourceDefinition (create)."""

    id = "KL158"
    name = "crd-definition"
    severity = Severity.ERROR
    summary = "A CustomResourceDefinition the API server refuses to create."
    kinds = frozenset({"CustomResourceDefinition"})
    doc = RuleDoc(
        what="Reports what apiextensions validation refuses in an apiextensions.k8s.io/v1 CRD and KL107 does not "
             "already say (nor KL201: metadata.name other than <plural>.<group>). Spec: scope other than Cluster "
             "or Namespaced; "
             "names (plural, singular, shortNames, categories DNS-1035 labels; kind and listKind DNS-1035 labels in "
             "any case, and different); version names DNS-1035 labels, unique, exactly one storage version, a schema "
             "for every version; spec.preserveUnknownFields true; conversion (strategy None or Webhook; a webhook "
             "needs clientConfig with exactly one of url (https) or service, and conversionReviewVersions with v1 or "
             "v1beta1; None allows neither); deprecationWarning; printer columns (type, format, jsonPath); scale "
             "subresource paths. Structural schemas (ValidateStructural): arrays without items, additionalProperties "
             "at the root, with properties or in an embedded resource, x-kubernetes-embedded-resource without type "
             "object or without properties, kind/apiVersion not strings and metadata not an object, root metadata "
             "with anything but name and generateName, type/default/title/description/nullable/x-kubernetes-* and "
             "metadata inside allOf/anyOf/oneOf/not, and properties or items there that the structural schema "
             "lacks; nullable at the root; the status subresource's root fields; uniqueItems true; "
             "x-kubernetes-preserve-unknown-fields false; x-kubernetes-map-type and -list-type on the wrong type, "
             "set items that are not atomic, map lists whose keys are missing, not scalar, not required nor "
             "defaulted, nullable, or duplicated. Defaults: forbidden in top-level metadata, apiVersion and kind; "
             "a default that does not validate against its own schema or has unknown fields (crd_defaults.py). "
             "CEL cost: a rule whose cost, estimated as cel-go does from maxItems, maxLength and maxProperties, "
             "is certainly over StaticEstimatedCostLimit (10,000,000 per rule) or whose CRD total is over "
             "StaticEstimatedCRDCostLimit (100,000,000): an error only when kubelint's estimate is a lower bound of "
             "upstream's and exceeds the limit, a warning when it is over but not certainly (crd_cost.py).",
        why="The API server refuses the CRD (k8s.io/apiextensions-apiserver pkg/apis/apiextensions/validation/"
            "validation.go: ValidateCustomResourceDefinition; pkg/apiserver/schema/validation.go: "
            "ValidateStructural), so none of its custom resources can be created.",
        failing="spec:\n  versions:\n  - name: v1\n    served: true\n    storage: true\n  - name: v2\n"
                "    served: true\n"
                "    storage: true",
        passing="spec:\n  versions:\n  - name: v1\n    served: true\n    storage: true\n  - name: v2\n"
                "    served: true\n"
                "    storage: false")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        data = obj.raw
        if data.get("apiVersion") != V1:
            return
        spec = data.get("spec")
        if not isinstance(spec, dict):
            return  # KL107 / KL103
        yield from _scope(spec.get("scope"))
        yield from _names(mapping(spec.get("names")))
        yield from _versions(spec)
        yield from _conversion(spec.get("conversion"))
        if spec.get("preserveUnknownFields") is True:
            yield invalid(("spec", "preserveUnknownFields"), True, "cannot set to true, set "
                          "x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead")


def _scope(scope: Any) -> Iterator[Report]:
    if scope == "":
        yield required(("spec", "scope"), present=True)
    elif isinstance(scope, str) and scope not in SCOPES:
        yield not_supported(("spec", "scope"), scope, SCOPES)


def _names(names: Dict[str, Any]) -> Iterator[Report]:
    """ValidateCustomResourceDefinitionNames after the v1 defaults."""
    at: Pointer = ("spec", "names")
    for key in ("plural", "singular"):
        value = names.get(key)
        if isinstance(value, str) and value:
            problems = dns1035_label(value)
            if problems:
                yield invalid(at + (key,), value, ",".join(problems))
    for key in ("kind", "listKind"):
        value = names.get(key)
        if isinstance(value, str) and value:
            problems = dns1035_label(value.lower())
            if problems:
                yield invalid(at + (key,), value,
                              "may have mixed case, but should otherwise match: " + ",".join(problems))
    for key in ("shortNames", "categories"):
        for index, value in enumerate(items(names.get(key))):
            if isinstance(value, str):
                problems = dns1035_label(value)
                if problems:
                    yield invalid(at + (key, index), value, ",".join(problems))
    kind, list_kind = names.get("kind"), names.get("listKind")
    if isinstance(kind, str) and kind and list_kind == kind:
        yield invalid(at + ("listKind",), list_kind, "kind and listKind may not be the same")


def _versions(spec: Dict[str, Any]) -> Iterator[Report]:
    from .crd_cost import cost_reports
    from .crd_defaults import default_reports
    from .crd_schema import schema_reports

    versions = spec.get("versions")
    if not isinstance(versions, list) or not versions:
        return  # KL107
    at: Pointer = ("spec", "versions")
    names = set()
    unique, storage = True, 0
    schemas: List[Optional[str]] = []
    for index, version in enumerate(versions):
        version = mapping(version)
        name = version.get("name")
        if version.get("storage") is True:
            storage += 1
        if isinstance(name, str):
            if name in names:
                unique = False
            names.add(name)
            if name:
                problems = dns1035_label(name)
                if problems:
                    yield invalid(at + (index, "name"), name, ",".join(problems))
        schema = mapping(version.get("schema")).get("openAPIV3Schema")
        schemas.append(json_text(schema) or None if isinstance(schema, dict) else None)
        if schema is None and version.get("served") is not True:  # a served one is KL107's finding
            yield required(at + (index, "schema", "openAPIV3Schema"), field=field_path(at + (index, "schema",
                                                                                              "openAPIV3Schema")))
        yield from _deprecation(version, at + (index,))
        for column_index, column in enumerate(items(version.get("additionalPrinterColumns"))):
            if isinstance(column, dict):
                yield from _column(column, at + (index, "additionalPrinterColumns", column_index))
        yield from _scale(mapping(mapping(version.get("subresources")).get("scale")), at + (index, "subresources"))
    if not unique:
        yield invalid_omitted(at, "must contain unique version names", anchor="key")
    if storage != 1:
        yield invalid_omitted(at, "must have exactly one version marked as storage version", anchor="key")
    # All versions sharing one schema: the server checks it once (as spec.validation).
    shared = len(set(schemas)) == 1 and schemas[0] is not None
    any_status = any("status" in mapping(mapping(mapping(v).get("subresources"))) for v in versions)
    has_defaults = False
    checked = set()
    for index, version in enumerate(versions):
        schema = mapping(mapping(version).get("schema")).get("openAPIV3Schema")
        if not isinstance(schema, dict) or schemas[index] in checked:
            continue
        checked.add(schemas[index])
        where = at + (index, "schema", "openAPIV3Schema")
        status = any_status if shared else mapping(mapping(version).get("subresources")).get("status") is not None
        found = list(schema_reports(schema, where, status))
        yield from (f.report for f in found)
        has_defaults = has_defaults or _has_default(schema)
        structural = not any(f.structural for f in found)
        yield from default_reports(schema, where, structural_ok=structural)
        if structural:  # the server compiles the rules only for a structural schema
            yield from cost_reports(schema, where)
    if has_defaults and spec.get("preserveUnknownFields") is True:
        yield invalid(("spec", "preserveUnknownFields"), True, "must be false in order to use defaults in the schema")


def _has_default(schema: Dict[str, Any]) -> bool:
    return '"default"' in json_text(schema)


def _deprecation(version: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    """validateDeprecationWarning."""
    warning = version.get("deprecationWarning")
    if warning is None or not isinstance(warning, str):
        return
    where = at + ("deprecationWarning",)
    if version.get("deprecated") is not True:
        yield invalid(where, warning, "can only be set for deprecated versions")
        return
    if len(warning.encode("utf-8")) > 256:
        yield invalid(where, warning, "must be <= 256 characters long")
    if not warning:
        yield invalid(where, warning, "must not be an empty string")
    for position, char in enumerate(warning):
        if unicodedata.category(char).startswith("C") and char != " ":
            offset = len(warning[:position].encode("utf-8"))
            what = "control" if unicodedata.category(char) == "Cc" else "non-printable"
            yield invalid(where, warning, f"must only contain printable UTF-8 characters; {what} character found at "
                                          f"index {offset}")
            break


def _column(column: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    """ValidateCustomResourceColumnDefinition (missing name, type and jsonPath are KL103's)."""
    if column.get("name") == "":
        yield required(at + ("name",), present=True)
    kind = column.get("type")
    if isinstance(kind, str):
        if not kind:
            yield required(at + ("type",), "must be one of " + ",".join(COLUMN_TYPES), present=True)
        elif kind not in COLUMN_TYPES:
            yield invalid(at + ("type",), kind, "must be one of " + ",".join(COLUMN_TYPES))
    style = column.get("format")
    if isinstance(style, str) and style and style not in COLUMN_FORMATS:
        yield invalid(at + ("format",), style, "must be one of " + ",".join(COLUMN_FORMATS))
    path = column.get("jsonPath")
    if path == "":
        yield required(at + ("jsonPath",), present=True)
    elif isinstance(path, str):
        yield from _simple_json_path(at + ("jsonPath",), path)


def _simple_json_path(at: Pointer, path: str) -> Iterator[Report]:
    if not path:
        yield invalid(at, path, "must not be empty")
    elif not path.startswith("."):
        yield invalid(at, path, "must be a simple json path starting with .")


def _scale(scale: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    """ValidateCustomResourceDefinitionSubresources: the scale paths."""
    at = at + ("scale",)
    for key, prefixes, where in (("specReplicasPath", (".spec.",), "under .spec"),
                                 ("statusReplicasPath", (".status.",), "under .status"),
                                 ("labelSelectorPath", (".spec.", ".status."), "under either .spec or .status")):
        path = scale.get(key)
        if not isinstance(path, str):
            continue
        if not path:
            if key != "labelSelectorPath":
                yield required(at + (key,), present=True)
            continue
        problems = list(_simple_json_path(at + (key,), path))
        if problems:
            yield from problems
        elif not path.startswith(prefixes):
            yield invalid(at + (key,), path, f"should be a json path {where}")


def _conversion(conversion: Any) -> Iterator[Report]:
    """validateCustomResourceConversion (v1: webhook.clientConfig and webhook.conversionReviewVersions)."""
    if not isinstance(conversion, dict):
        return
    at: Pointer = ("spec", "conversion")
    strategy = conversion.get("strategy")
    if strategy == "":
        yield required(at + ("strategy",), present=True)
    elif isinstance(strategy, str) and strategy not in STRATEGIES:
        yield not_supported(at + ("strategy",), strategy, STRATEGIES)
    webhook = conversion.get("webhook")
    hook = mapping(webhook)
    config = hook.get("clientConfig")
    versions = hook.get("conversionReviewVersions")
    if strategy == "Webhook":
        if not isinstance(config, dict):
            yield required(at + ("webhook", "clientConfig"), "required when strategy is set to Webhook")
        else:
            yield from client_config(config, at + ("webhook", "clientConfig"))
        yield from _review_versions(versions, at + ("webhook", "conversionReviewVersions"), webhook is not None)
    elif isinstance(strategy, str):
        if config is not None:
            yield forbidden(at + ("webhook", "clientConfig"), "should not be set when strategy is not set to Webhook")
        if items(versions):
            yield forbidden(at + ("webhook", "conversionReviewVersions"),
                            "should not be set when strategy is not set to Webhook")


def _review_versions(versions: Any, at: Pointer, webhook_present: bool) -> Iterator[Report]:
    """validateConversionReviewVersions (a recognized version required on create)."""
    if not items(versions):
        if webhook_present and versions is None:
            return  # the schema step (KL103) reports the missing required field
        yield required(at, present=versions is not None)
        return
    listed: List[Report] = []
    accepted = listed_review_versions(versions, at, listed, dns1035_label)
    yield from listed
    if not accepted:
        shown = "[" + " ".join(v for v in versions if isinstance(v, str)) + "]"
        yield invalid_omitted(at, f"{shown}: must include at least one of {', '.join(REVIEW_VERSIONS)}")


"""Rules whose findings come from reading input (KL0xx), the schema check (KL1xx) and the
tool itself (KL9xx). They have no `check`; they are here for ids, docs and configuration."""

from __future__ import annotations

from typing import List

from ..findings import Severity
from .base import FixSupport, Rule, RuleDoc, make_builtin

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

MIGRATE = FixSupport("mixed", "Moves the object to the API version the chosen Kubernetes version serves, "
                              "converting the fields that differ (Ingress backends, HPA metric targets, a workload's selector); "
                              "unsafe where the meaning changes (an empty PodDisruptionBudget selector, a changed "
                              "default).")
VALUE_FORM = FixSupport("safe", "Quotes a YAML 1.1 boolean or number written in a string field (`yes`, `0644`) "
                                 "and unquotes a whole number written in an integer field (`replicas: \"3\"`); "
                                 "corrects the case of a value with fixed choices.")
ADD_REQUIRED = FixSupport("mixed", "Adds a missing Ingress pathType (Prefix: safe for the path /, unsafe otherwise) "
                                   "and a missing apps/v1 workload selector from the template's labels (unsafe).")
KIND_CASE = FixSupport("safe", "Corrects the case of a kind (`configmap` -> `ConfigMap`).")


def builtin_rules() -> List[Rule]:
    return [
        make_builtin("KL001", "yaml-syntax", E, "The file is not valid YAML or JSON.", RuleDoc(
            "Reports the first syntax error of a file at the line and column the parser gives.",
            "kubectl rejects the whole file; documents after the error are never applied.",
            "metadata:\n  name: web\n   labels: {}", "metadata:\n  name: web\n  labels: {}")),
        make_builtin("KL002", "duplicate-key", E, "A mapping repeats a key.", RuleDoc(
            "Reports a key written twice in one mapping, at the second one.",
            "Kubernetes' YAML decoder rejects duplicate keys (strict decoding); other tools silently keep the last.",
            "spec:\n  replicas: 2\n  replicas: 3", "spec:\n  replicas: 3")),
        make_builtin("KL003", "helm-template", E, "The file is an unrendered Helm or Go template.", RuleDoc(
            "Reports `{{ ... }}` template syntax that keeps a file from parsing as YAML.",
            "Templates must be rendered before they are manifests: `helm template ... | kubelint check -`.",
            "replicas: {{ .Values.replicas }}", "replicas: 3")),
        make_builtin("KL004", "not-an-object", E, "A document is not a mapping.", RuleDoc(
            "Reports a document (or List item) whose top level is a list or a scalar.",
            "Every Kubernetes object is a mapping with apiVersion, kind and metadata.",
            "- apiVersion: v1\n  kind: Pod", "apiVersion: v1\nkind: Pod")),
        make_builtin("KL005", "missing-api-version-or-kind", E, "A manifest has kind but no apiVersion, or the reverse.", RuleDoc(
            "Reports a document with only one of apiVersion and kind, or one that is not a string. "
            "A document with neither is not a manifest and is skipped.",
            "The API server cannot tell what the object is.",
            "kind: Service\nmetadata: {name: web}", "apiVersion: v1\nkind: Service\nmetadata: {name: web}")),
        make_builtin("KL006", "unreadable-file", E, "A file cannot be read as UTF-8 text.", RuleDoc(
            "Reports files that cannot be opened, paths that are not regular files (a named pipe, a device, "
            "a symlink to /dev/zero: never read), directories that cannot be listed, binary files and files "
            "that are not UTF-8.",
            "Kubernetes manifests are UTF-8 text.", "(a PNG named deploy.yaml)", "(a UTF-8 YAML file)")),
        make_builtin("KL007", "file-too-large", E, "A file is over the size limit.", RuleDoc(
            "Reports a file larger than --max-file-size (10 MiB by default) without reading it.",
            "A manifest that large is almost always a mistake (a dump, a binary) and would slow every run.",
            "(a 50 MiB file)", "(split it, or raise --max-file-size)")),
        make_builtin("KL008", "alias-bomb", E, "YAML aliases expand a document to an enormous size.", RuleDoc(
            "Reports a document whose aliases expand it to over a million nodes, or to many times its size, "
            "whose aliases would add more than four nodes per byte of its file, or with an alias that "
            "contains itself (`data: &a [*a]`).",
            "An alias-expansion bomb exhausts memory in every tool that expands it, the API server included.",
            "a: &a [x, x]\nb: &b [*a, *a]\n# ... nested many times", "(write the values out)")),
        make_builtin("KL009", "nesting-too-deep", E, "A document is nested too deeply.", RuleDoc(
            "Reports input nested deeper than any real manifest (thousands of levels).",
            "Such input is an attack on parsers, not a manifest.", "[[[[[[...]]]]]]", "(a manifest)")),
        make_builtin("KL010", "refused-tag", E, "A document uses a tag that constructs code objects.", RuleDoc(
            "Reports `!!python/...` tags. kubelint loads YAML safely and refuses them.",
            "Such tags run code in unsafe loaders; Kubernetes never needs them.",
            "x: !!python/object/apply:os.system [ls]", "x: ls")),
        make_builtin("KL101", "invalid-field-value", E, "A field's value has the wrong type or is not allowed.", RuleDoc(
            "Validates every object against the OpenAPI schema of the chosen Kubernetes version and "
            "reports each value of the wrong type or outside its allowed values, at that value.",
            "The API server rejects the object.",
            "ports:\n- port: \"80\"", "ports:\n- port: 80"), fix=VALUE_FORM),
        make_builtin("KL102", "unknown-field", E, "A field is not defined by the schema.", RuleDoc(
            "Reports fields the schema does not define (strict, as kubectl's field validation), at the key, "
            "with the closest known field when there is one. --no-strict turns it off.",
            "A typo'd field is silently dropped by lenient clients, so the setting never takes effect.",
            "containers:\n- name: web\n  imagePullPolcy: Always", "containers:\n- name: web\n  imagePullPolicy: Always")),
        make_builtin("KL103", "missing-required-field", E, "A required field is missing.", RuleDoc(
            "Reports fields the schema requires that the object lacks, at the object that lacks them.",
            "The API server rejects the object.",
            "paths:\n- path: /\n  backend: {service: {name: web, port: {number: 80}}}",
            "paths:\n- path: /\n  pathType: Prefix\n  backend: {service: {name: web, port: {number: 80}}}"), fix=ADD_REQUIRED),
        make_builtin("KL104", "removed-api", E, "The apiVersion was removed from the chosen Kubernetes version.", RuleDoc(
            "Reports an apiVersion/kind that the deprecation table says was removed at or before the "
            "chosen Kubernetes version, naming the version and the replacement.",
            "The API server no longer serves it: the apply fails.",
            "apiVersion: extensions/v1beta1\nkind: Ingress", "apiVersion: networking.k8s.io/v1\nkind: Ingress"), fix=MIGRATE),
        make_builtin("KL105", "deprecated-api", W, "The apiVersion is deprecated and will be removed.", RuleDoc(
            "Reports an apiVersion/kind that is still served but deprecated, naming when it goes and the replacement.",
            "It will stop working on a future upgrade.",
            "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3", "apiVersion: flowcontrol.apiserver.k8s.io/v1"), fix=MIGRATE),
        make_builtin("KL106", "unknown-kind", W, "No schema is known for the apiVersion and kind.", RuleDoc(
            "Reports objects whose apiVersion/kind has no bundled schema in the chosen Kubernetes version "
            "(usually a custom resource, or a typo in apiVersion or kind).",
            "The object cannot be validated; a typo'd apiVersion or kind is rejected by the API server.",
            "apiVersion: apps/v1\nkind: Deploymnet", "apiVersion: apps/v1\nkind: Deployment"), fix=KIND_CASE),
        make_builtin("KL107", "invalid-crd", E, "A CustomResourceDefinition is invalid; its custom resources may not be validated.", RuleDoc(
            "Reports problems in a CRD of the run (input or --crd) at their node: no group, kind or versions, a "
            "version without openAPIV3Schema, a schema node that is not a schema (unknown type, `items` as a list, "
            "`$ref` or another keyword Kubernetes forbids), a structural node without a type, a group that is not "
            "a domain with a dot (a CRD cannot define kinds of built-in groups such as `apps`), a `*.k8s.io` or "
            "`*.kubernetes.io` group without the `api-approved.kubernetes.io` annotation (apiextensions "
            "validation.go: validateCustomResourceDefinitionSpec, validateAPIApproval). A version whose "
            "schema cannot be used is not validated, and its objects say so. Also: an x-kubernetes-validations "
            "rule that does not compile (or whose reason, fieldPath or message is invalid), a pattern that is not "
            "a valid RE2 regular expression, a CRD over the API server's 3 MiB request limit. As a warning: a "
            "schema too deep or too large for kubelint to check, a pattern kubelint cannot compile, a version that "
            "defines a built-in kind (the API server serves the built-in API instead, and its objects keep the "
            "built-in schema).",
            "The API server rejects the CRD, so none of its custom resources can be created.",
            "openAPIV3Schema:\n  type: object\n  properties:\n    spec: {type: int}",
            "openAPIV3Schema:\n  type: object\n  properties:\n    spec: {type: integer}")),
        make_builtin("KL108", "duplicate-list-entry", E, "A keyed list repeats an entry.", RuleDoc(
            "Reports an item of a list that its schema declares `x-kubernetes-list-type: map` (keyed by "
            "`x-kubernetes-list-map-keys`) or `set` when it repeats the keys or the value of an earlier item, at "
            "the repeated item. Checked for custom resources validated with a CRD or a schema location.",
            "The API server rejects duplicate entries in such lists.",
            "groups:\n- name: node\n  rules: []\n- name: node\n  rules: []",
            "groups:\n- name: node\n  rules: []\n- name: node-extra\n  rules: []")),
        make_builtin("KL109", "schema-location-error", E, "A schema location failed.", RuleDoc(
            "Reports, once per location and on the first object that needed it, a --schema-location that could "
            "not be used: a download that failed (with no cached copy), a file or response that is not JSON, or a "
            "schema that is not a valid JSON Schema. Objects that needed it are not validated against it.",
            "Objects silently skipped by validation would pass unchecked.",
            "--schema-location https://example.com/schemas/{{ .ResourceKind }}.json  (server down)",
            "--schema-location default")),
        make_builtin("KL110", "rejected-kind", E, "An object is of a kind that --reject forbids.", RuleDoc(
            "Reports every object whose kind, or apiVersion/kind (e.g. `apps/v1/Deployment`), is named with "
            "--reject, as kubeconform does. Such objects get no schema check.",
            "The repository's policy forbids that kind (for example PodSecurityPolicy or a legacy CRD).",
            "--reject Secret\napiVersion: v1\nkind: Secret", "(no object of a rejected kind)")),
        make_builtin("KL111", "crd-validation-rule", E, "A custom resource fails an x-kubernetes-validations rule of its CRD.", RuleDoc(
            "Evaluates the CEL rules (`x-kubernetes-validations`) of the CRD of each custom resource, at every "
            "non-null value of the rule's schema node, with the Kubernetes CEL environment (standard macros, "
            "strings, optional types, the lists, regex, url, quantity, ip, cidr and semver libraries, sets). A rule "
            "that is false is reported at its node (or its `fieldPath`) with its `message` or `messageExpression`, "
            "as `Invalid value`, or `Required value` / `Forbidden` / `Duplicate value` per its `reason` "
            "(apiextensions-apiserver pkg/apiserver/schema/cel/validation.go: validateExpressions). Transition "
            "rules (using `oldSelf`) are skipped: there is no old object. As warnings: a rule that fails to "
            "evaluate (the server refuses the object, but kubelint types `self` more loosely than the server), "
            "and a rule not evaluated because its cost on the value could exceed kubelint's budget. Needs the "
            "CEL engine (cel-expr-python, Python 3.11 and later); without it rules are not evaluated.",
            "The API server refuses the object with the rule's message.",
            "# rule: self.minReplicas <= self.maxReplicas\nspec: {minReplicas: 5, maxReplicas: 2}",
            "spec: {minReplicas: 1, maxReplicas: 2}")),
        make_builtin("KL112", "unserved-version", E, "A custom resource uses a version its CRD does not serve.", RuleDoc(
            "Reports a custom resource whose kind is defined by a CRD of the run (input or --crd) at an apiVersion "
            "that CRD does not serve: a version it does not define, or one without `served: true` (`served` has "
            "no default). The message lists the versions it serves. The API server hands requests for a version "
            "no CRD serves to its 404 handler (apiextensions-apiserver customresource_handler.go: ServeHTTP, "
            "HasServedCRDVersion), so kubectl says \"no matches for kind\".",
            "The apply fails: the object cannot be created at that version.",
            "apiVersion: example.com/v1beta1   # the CRD serves only v1\nkind: Widget",
            "apiVersion: example.com/v1\nkind: Widget")),
        make_builtin("KL118", "unserved-api", E, "An API group the server serves itself has no such version or kind.", RuleDoc(
            "Reports an apiVersion in one of Kubernetes' own API groups that the chosen version does not serve "
            "(`apps/v2`), or a kind that version does not have (`kind: configmap`), with what is served instead. "
            "Removed versions in the deprecation table are KL104; groups of custom resources stay KL106.",
            "The API server answers \"no matches for kind\" (kubectl: \"resource mapping not found\"): the "
            "RESTMapper of k8s.io/apimachinery/pkg/api/meta finds no resource, and nothing is applied.",
            "apiVersion: apps/v2\nkind: Deployment", "apiVersion: apps/v1\nkind: Deployment"), fix=KIND_CASE),
        make_builtin("KL113", "kustomization-schema", W, "A kustomization file does not match the Kustomization schema.", RuleDoc(
            "Validates kustomization.yaml (and kustomize.config.k8s.io Kustomization and Component objects) against "
            "SchemaStore's Kustomization schema, bundled with kubelint: unknown fields, wrong types, missing keys. "
            "With --kustomize, kustomize reads these files itself and they are not checked here.",
            "kustomize refuses a kustomization with an unknown field, so a typo stops every render. A warning, "
            "because the schema can lag behind kustomize's newest fields.",
            "resourcess:\n- deployment.yaml", "resources:\n- deployment.yaml")),
        make_builtin("KL901", "unused-suppression", I, "A suppression matches no finding.", RuleDoc(
            "Reports a `kubelint: disable...` comment or `kubelint.io/ignore` annotation that suppressed nothing.",
            "Stale suppressions hide future problems and mislead readers.",
            "image: nginx:1.25  # kubelint: disable-line=latest-tag", "image: nginx:1.25")),
    ]

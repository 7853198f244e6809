"""Pod Security for one object: the pod it is or the pods its template makes, evaluated at each
mode of its namespace's policy (admission/admission.go EvaluatePod), as findings on the
offending fields.

enforce refuses a Pod (an error); a workload with a template is accepted whatever its template
holds, but the pods its controller creates are refused (still an error: nothing runs). warn and
audit only report (warnings). A field reported at a stricter mode is not reported again."""

from __future__ import annotations

from typing import List, Set, Tuple

from ...findings import Pointer, Severity
from ...model.objects import POD_TEMPLATE_PATHS, K8sObject, get_path
from ...named_tuple import NamedTuple
from .api import AUDIT, ENFORCE, MODES, PRIVILEGED, RESTRICTED, compare_levels
from .namespaces import FROM_KUBELINT, NamespacePolicy
from .prefilter import quiet_at_baseline


# Checks that judge the same fields at different levels: a field one of them reported at a
# stricter mode is not reported again by the other.
_FAMILY = {"capabilities_restricted": "capabilities_baseline", "seccompProfile_restricted": "seccompProfile_baseline",
           "procMount_restricted": "procMount", "restrictedVolumes": "hostPathVolumes"}


class PodSecurityFinding(NamedTuple):
    check_id: str  # upstream's CheckID
    pointer: Pointer
    anchor: str
    message: str
    severity: Severity


def _template(obj: K8sObject) -> "Tuple[Pointer, dict] | None":
    """Where the pod (a Pod) or pod template (a workload) is, and its mapping: what Pod
    Security's PodSpecExtractor reads."""
    path = POD_TEMPLATE_PATHS.get(obj.kind)
    if path is None:
        return None
    template = get_path(obj.data, path) if path else obj.data
    if not isinstance(template, dict):
        return None
    return path, template


def evaluate(obj: K8sObject, namespace: NamespacePolicy, exempt_runtime_classes: frozenset,
             kubernetes_minor: int) -> List[PodSecurityFinding]:
    if namespace.exempt:
        return []
    found = _template(obj)
    if found is None:
        return []
    path, template = found
    if RESTRICTED not in (level_version.level for level_version in namespace.policy) and \
            quiet_at_baseline(template.get("metadata"), template.get("spec")):
        return []  # no mode is stricter than baseline, and no baseline check could refuse it
    return _run_checks(obj, path, template, namespace, exempt_runtime_classes, kubernetes_minor)


def _run_checks(obj: K8sObject, path: Pointer, template: dict, namespace: NamespacePolicy,
                exempt_runtime_classes: frozenset, kubernetes_minor: int) -> List[PodSecurityFinding]:
    """The upstream checks on a pod the pre-filter could not pass. They and their registry
    are imported here, by the first such pod: a check whose pods all pass it (a clean
    repository, a one-file pre-commit run) does not load them (3% of a one-file check)."""
    from .checks import Pod
    from .registry import effective_minor, evaluate_pod

    pod = Pod.of(path, template.get("metadata"), template.get("spec"))
    runtime_class = pod.spec.get("runtimeClassName")
    if isinstance(runtime_class, str) and runtime_class in exempt_runtime_classes:
        return []
    findings: List[PodSecurityFinding] = []
    reported: Set[Tuple[Pointer, str]] = set()
    evaluated: List[Tuple[str, int]] = []  # (level, effective version) of the modes done
    for mode in MODES:  # enforce, warn, audit: the strictest consequence first
        level_version = namespace.policy.of(mode)
        if level_version.level == PRIVILEGED:
            continue
        # At one version, restricted reports every field baseline does (its overriding checks
        # report a superset, on the same fields): a mode no stricter than one evaluated at the
        # same version could only repeat it (upstream reuses results by LevelVersion too).
        minor = effective_minor(level_version.version.minor, kubernetes_minor)
        if any(done_minor == minor and compare_levels(done_level, level_version.level) >= 0
               for done_level, done_minor in evaluated):
            continue
        evaluated.append((level_version.level, minor))
        for check_id, result in evaluate_pod(level_version, kubernetes_minor, pod):
            if result.allowed:
                continue
            for violation in result.violations:
                key = (violation.pointer, _FAMILY.get(check_id, check_id))
                if key in reported:
                    continue
                reported.add(key)
                findings.append(PodSecurityFinding(
                    check_id, violation.pointer, violation.anchor,
                    _message(obj.kind, mode, str(level_version), result.reason, violation.detail, namespace,
                             obj.namespace),
                    Severity.ERROR if mode == ENFORCE else Severity.WARNING))
    return findings


def _message(kind: str, mode: str, level_version: str, reason: str, detail: str, namespace: NamespacePolicy,
             namespace_name: str) -> str:
    """Pod Security's own words (admission.go: `violates PodSecurity %q: %s` when refused,
    `would violate PodSecurity %q: %s` for warn and audit), with what it means here."""
    what = f"{reason} ({detail})" if detail else reason
    if mode == ENFORCE:
        message = f'violates PodSecurity "{level_version}": {what}'
        if kind != "Pod":
            message = f"the {kind} is accepted, but its pods will be refused: {message}"
        return message
    message = f'would violate PodSecurity "{level_version}": {what}'
    if mode == AUDIT:
        message += " (audit)"
    if namespace.source == FROM_KUBELINT:
        message += (f' (namespace "{namespace_name}" sets no Pod Security level; kubelint warns at the '
                    "baseline level by default)")
    return message

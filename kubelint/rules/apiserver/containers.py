"""Container fields (KL122): the enums, env and envFrom sources, volume mounts, lifecycle
handlers and restart policies that pkg/apis/core/validation/validation.go checks in
validateContainerCommon, validateInitContainers, validateContainers and
validateEphemeralContainers. Names, images, ports, probes and resources are KL501-KL517;
security contexts are KL125.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional

from ...findings import Pointer, Severity
from ...model.objects import Container, K8sObject, as_list
from ..base import Report, Rule, RuleDoc
from ..common.pods import EPHEMERAL, INIT, POD_KINDS, all_containers, container_group
from ..common.values import dotted, is_int
from . import errors, syntax
from .kinds import built_in
from .version import kubernetes_minor

if TYPE_CHECKING:
    from ...model.context import RuleContext

PULL_POLICIES = ("Always", "IfNotPresent", "Never")  # sets.List(supportedPullPolicies): sorted
TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
MOUNT_PROPAGATIONS = ("Bidirectional", "HostToContainer", "None")  # sorted
RECURSIVE_READ_ONLY = ("Disabled", "Enabled", "IfPossible")  # sorted
RESIZE_RESOURCES, RESIZE_POLICIES = ("cpu", "memory"), ("NotRequired", "RestartContainer")
HTTP_SCHEMES = ("HTTP", "HTTPS")
# "" is defaulted (SetDefaults_Container, SetDefaults_HTTPGetAction) before validation.
_PULL = frozenset(PULL_POLICIES + ("",))
_MESSAGE = frozenset(TERMINATION_MESSAGE_POLICIES + ("",))
_SCHEMES = frozenset(HTTP_SCHEMES + ("",))
_PROPAGATION, _RRO = frozenset(MOUNT_PROPAGATIONS), frozenset(RECURSIVE_READ_ONLY)
_RESIZE_RESOURCES, _RESIZE_POLICIES = frozenset(RESIZE_RESOURCES), frozenset(RESIZE_POLICIES)
HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")  # a lifecycle handler's types, in the server's order
ENV_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef")
# validEnvDownwardAPIFieldPathExpressions, sorted as NotSupported lists them.
ENV_FIELD_PATHS = ("metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
                   "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs")
# pods.ConvertDownwardAPIFieldLabel: the labels a v1 fieldRef may name at all.
CONVERTIBLE_FIELD_PATHS = frozenset({
    "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
    "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName", "status.phase", "status.hostIP",
    "status.hostIPs", "status.podIP", "status.podIPs", "spec.host"})
CONTAINER_RESOURCE_FIELDS = ("limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu",
                             "requests.ephemeral-storage", "requests.memory")  # sorted
# allowedEphemeralContainerFields: the fields that are false there (probes are KL509's).
EPHEMERAL_FORBIDDEN = ("ports", "resources", "lifecycle", "restartPolicy", "resizePolicy")
SIDECARS_SINCE = 29  # SidecarContainers on by default: init containers' restartPolicy validated
SLEEP_ACTION_SINCE = 30  # PodLifecycleSleepAction on by default
SLEEP_ZERO_SINCE = 33  # PodLifecycleSleepActionAllowZero on by default
RELAXED_ENV_NAMES_SINCE = 32  # RelaxedEnvironmentVariableValidation on by default
RESIZE_POLICY_SINCE = 33  # InPlacePodVerticalScaling on by default
DEFAULT_GRACE_PERIOD = 30


class ContainerFields(Rule):
    """Container fields of pod specs that the API server validates, outside names, images, ports,
    probes, resources and security contexts."""

    id = "KL122"
    name = "invalid-container-field"
    severity = Severity.ERROR
    summary = "Container fields have values the API server accepts (validateContainerCommon and friends)."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="For every container, init container and ephemeral container: imagePullPolicy is Always, "
             "IfNotPresent or Never (`always` is refused), terminationMessagePolicy File or FallbackToLogsOnError; "
             "restartPolicy only on init containers, and only Always; lifecycle hooks only on regular containers "
             "and sidecars, each with exactly one handler (exec with a command, httpGet with a valid port and "
             "scheme, tcpSocket, sleep within the grace period); env names valid, each valueFrom with exactly one "
             "source, fieldRef paths the downward API supports, key selectors with a valid name and key; envFrom "
             "with one source and a valid prefix; volume mounts with a mountPath, relative subPaths without '..', "
             "a known mountPropagation (Bidirectional only when privileged) and recursiveReadOnly; resizePolicy "
             "names and policies; ephemeral containers without ports, resources, lifecycle, restartPolicy, "
             "subPath, and with an existing targetContainerName; a Pod's images without surrounding spaces.",
        why="The API server refuses the object. Source: pkg/apis/core/validation/validation.go (validatePullPolicy, "
            "validateContainerCommon, validateInitContainers, validateContainers, validateEphemeralContainers, "
            "ValidateEnv, ValidateEnvFrom, ValidateVolumeMounts, validateHandler, validateResizePolicy).",
        failing="containers:\n- name: web\n  image: nginx:1.27\n  imagePullPolicy: always",
        passing="containers:\n- name: web\n  image: nginx:1.27\n  imagePullPolicy: Always")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None or not built_in(obj):
            return
        minor = kubernetes_minor(ctx)
        spec = template.spec
        grace = spec.get("terminationGracePeriodSeconds")
        grace = grace if is_int(grace) else DEFAULT_GRACE_PERIOD
        pod_restart = spec.get("restartPolicy")
        is_pod = obj.kind == "Pod"
        containers = all_containers(template)
        for container in containers:
            data, at = container.data, container.pointer
            group = container_group(container)
            pull = data.get("imagePullPolicy")
            if errors.is_bad_enum(pull, _PULL):
                yield errors.not_supported(at + ("imagePullPolicy",), pull, PULL_POLICIES)
            message = data.get("terminationMessagePolicy")
            if errors.is_bad_enum(message, _MESSAGE):
                yield errors.not_supported(at + ("terminationMessagePolicy",), message, TERMINATION_MESSAGE_POLICIES)
            if group == EPHEMERAL:
                yield from _ephemeral(container, containers)
            else:
                yield from _restart_and_lifecycle(container, group, minor, grace)
            if "env" in data:
                yield from _env(at, data.get("env"), minor)
            if "envFrom" in data:
                yield from _env_from(at, data.get("envFrom"), minor)
            if "volumeMounts" in data:
                yield from _mounts(container)
            if "resizePolicy" in data and minor >= RESIZE_POLICY_SINCE:
                yield from _resize_policy(at, data.get("resizePolicy"), pod_restart)
            image = data.get("image")
            if (is_pod or group == EPHEMERAL) and isinstance(image, str) and image != image.strip(syntax.GO_SPACE):
                yield errors.invalid(at + ("image",), image, "must not have leading or trailing whitespace")


def _restart_and_lifecycle(container: Container, group: str, minor: int, grace: int) -> Iterator[Report]:
    data, at = container.data, container.pointer
    restart = data.get("restartPolicy")
    sidecar = False
    if restart is not None and minor >= SIDECARS_SINCE:
        if group == INIT:
            if restart == "Always":
                sidecar = True
            elif isinstance(restart, str):
                yield errors.not_supported(at + ("restartPolicy",), restart, ("Always",))
        else:
            yield errors.forbidden(at + ("restartPolicy",), "may not be set for non-init containers")
    lifecycle = data.get("lifecycle")
    if lifecycle is None:
        return
    if group == INIT and not sidecar:
        yield errors.forbidden(at + ("lifecycle",), "may not be set for init containers without restartPolicy=Always")
    elif isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            handler = lifecycle.get(hook)
            if isinstance(handler, dict):
                yield from _handler(at + ("lifecycle", hook), handler, minor, grace)


def _handler(at: Pointer, handler: Dict[str, Any], minor: int, grace: int) -> Iterator[Report]:
    """validateHandler for lifecycle hooks (probes are KL509's)."""
    first: Optional[str] = None
    for kind in HANDLERS:
        action = handler.get(kind)
        if action is None:
            continue
        if first is not None:
            yield errors.forbidden(at + (kind,), "may not specify more than 1 handler type")
            continue
        first = kind
        if not isinstance(action, dict):
            continue
        where = at + (kind,)
        if kind == "exec":
            if not as_list(action.get("command")):
                yield errors.required(where + ("command",), present="command" in action)
        elif kind == "httpGet":
            yield from _port(where + ("port",), action.get("port"))
            scheme = action.get("scheme")
            if errors.is_bad_enum(scheme, _SCHEMES):
                yield errors.not_supported(where + ("scheme",), scheme, HTTP_SCHEMES)
            for header in as_list(action.get("httpHeaders")):
                name = header.get("name") if isinstance(header, dict) else None
                if isinstance(name, str) and not syntax.is_http_header_name(name):
                    yield errors.invalid(where + ("httpHeaders",), name, syntax.HTTP_HEADER_ERROR)
        elif kind == "tcpSocket":
            yield from _port(where + ("port",), action.get("port"))
        elif kind == "sleep" and minor >= SLEEP_ACTION_SINCE:
            seconds = action.get("seconds")
            if is_int(seconds):
                if minor >= SLEEP_ZERO_SINCE:
                    if seconds < 0 or seconds > grace:
                        yield errors.invalid(where + ("seconds",), seconds, field=dotted(where), detail= "must be non-negative and less than "
                                                             f"terminationGracePeriodSeconds ({grace})")
                elif seconds <= 0 or seconds > grace:
                    yield errors.invalid(where + ("seconds",), seconds, field=dotted(where), detail=f"must be greater than 0 and less than "
                                                         f"terminationGracePeriodSeconds ({grace}). Enable "
                                                         "AllowPodLifecycleSleepActionZeroValue feature gate for zero "
                                                         "sleep.")
    if first is None:
        yield errors.required(at, "must specify a handler type", present=True)


def _port(at: Pointer, port: Any) -> Iterator[Report]:
    """ValidatePortNumOrName."""
    if is_int(port):
        if not 1 <= port <= 65535:
            yield errors.invalid(at, port, syntax.inclusive_range_error(1, 65535))
    elif isinstance(port, str):
        for problem in syntax.port_name(port):
            yield errors.invalid(at, port, problem)


def _env(at: Pointer, env: Any, minor: int) -> Iterator[Report]:
    relaxed = minor >= RELAXED_ENV_NAMES_SINCE
    for index, item in enumerate(as_list(env)):
        if item.__class__ is not dict:
            continue
        name = item.get("name")
        if name.__class__ is str and (not name or syntax.env_var_name(name, relaxed)):
            where = at + ("env", index, "name")
            if not name:
                yield errors.required(where, present=True)
            for problem in syntax.env_var_name(name, relaxed) if name else ():
                yield errors.invalid(where, name, problem)
        value_from = item.get("valueFrom")
        if value_from.__class__ is dict and not _value_from_is_fine(value_from, item.get("value")):
            yield from _value_from(at + ("env", index, "valueFrom"), value_from, item.get("value"))


_ENV_FIELD_PATH_SET = frozenset(ENV_FIELD_PATHS)
_RESOURCE_FIELD_SET = frozenset(CONTAINER_RESOURCE_FIELDS)


def _value_from_is_fine(value_from: Dict[str, Any], value: Any) -> bool:
    """The common case, decided without building anything: one well-formed source, no value."""
    if value or len(value_from) != 1:
        return False
    for key, ref in value_from.items():
        if ref.__class__ is not dict:
            return False
        if key == "secretKeyRef" or key == "configMapKeyRef":
            name, selected = ref.get("name"), ref.get("key")
            return name.__class__ is str and selected.__class__ is str and selected != "" and \
                not syntax.dns1123_subdomain(name) and not syntax.config_map_key(selected)
        if key == "fieldRef":
            path = ref.get("fieldPath")
            return path.__class__ is str and path in _ENV_FIELD_PATH_SET and ref.get("apiVersion") in (None, "v1")
        if key == "resourceFieldRef":
            resource = ref.get("resource")
            return resource.__class__ is str and resource in _RESOURCE_FIELD_SET
    return False


def _value_from(at: Pointer, value_from: Dict[str, Any], value: Any) -> Iterator[Report]:
    """validateEnvVarValueFrom."""
    sources = [key for key in ENV_SOURCES if value_from.get(key) is not None]
    if not sources:
        if "fileKeyRef" not in value_from:  # a newer source (EnvFiles): left to the server
            yield errors.invalid(at, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or "
                                         "`secretKeyRef`")
    elif isinstance(value, str) and value:
        yield errors.invalid(at, "", "may not be specified when `value` is not empty")
    elif len(sources) > 1:
        yield errors.invalid(at, "", "may not have more than one field specified at a time")
    field_ref = value_from.get("fieldRef")
    if isinstance(field_ref, dict):
        yield from field_selector(at + ("fieldRef",), field_ref, ENV_FIELD_PATHS)
    resource_ref = value_from.get("resourceFieldRef")
    if isinstance(resource_ref, dict):
        yield from resource_selector(at + ("resourceFieldRef",), resource_ref, volume=False)
    for kind in ("configMapKeyRef", "secretKeyRef"):
        selector = value_from.get(kind)
        if isinstance(selector, dict):
            yield from _key_selector(at + (kind,), selector)


def field_selector(at: Pointer, selector: Dict[str, Any], supported: tuple) -> Iterator[Report]:
    """validateObjectFieldSelector (apiVersion defaults to v1)."""
    api_version = selector.get("apiVersion") or "v1"
    path = selector.get("fieldPath")
    if not isinstance(api_version, str) or not isinstance(path, str):
        return
    if path == "":
        yield errors.required(at + ("fieldPath",), present=True)
        return
    if api_version != "v1":
        yield errors.invalid(at + ("fieldPath",), path, f"error converting fieldPath: unsupported pod version: "
                                                        f"{api_version}")
        return
    base, subscript = split_subscript(path)
    if subscript is not None:
        if base == "metadata.annotations":
            for problem in syntax.label_key(subscript.lower()):
                yield errors.invalid(at, subscript.lower(), problem)
        elif base == "metadata.labels":
            for problem in syntax.label_key(subscript):
                yield errors.invalid(at, subscript, problem)
        else:
            yield errors.invalid(at + ("fieldPath",), path, "error converting fieldPath: field label does not "
                                                            f"support subscript: {path}")
        return
    if path not in CONVERTIBLE_FIELD_PATHS:
        yield errors.invalid(at + ("fieldPath",), path, f"error converting fieldPath: field label not supported: {path}")
    elif (path if path != "spec.host" else "spec.nodeName") not in supported:
        yield errors.not_supported(at + ("fieldPath",), path, supported)


def split_subscript(path: str) -> tuple:
    """fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['app']` -> ("metadata.labels", "app")."""
    if not path.endswith("']"):
        return path, None
    parts = path[:-2].split("['", 1)
    if len(parts) < 2 or not parts[0]:
        return path, None
    return parts[0], parts[1]


def resource_selector(at: Pointer, selector: Dict[str, Any], volume: bool) -> Iterator[Report]:
    """validateContainerResourceFieldSelector (divisors are KL501's)."""
    resource = selector.get("resource")
    if volume and not selector.get("containerName"):
        yield errors.required(at + ("containerName",), present="containerName" in selector)
    elif resource == "":
        yield errors.required(at + ("resource",), present=True)
    elif isinstance(resource, str) and resource not in CONTAINER_RESOURCE_FIELDS and \
            not resource.startswith(("requests.hugepages-", "limits.hugepages-")):
        yield errors.not_supported(at + ("resource",), resource, CONTAINER_RESOURCE_FIELDS)


def _key_selector(at: Pointer, selector: Dict[str, Any]) -> Iterator[Report]:
    """validateConfigMapKeySelector / validateSecretKeySelector: the name is checked even when empty."""
    name = selector.get("name", "")
    if isinstance(name, str):
        for problem in syntax.dns1123_subdomain(name):
            yield errors.invalid(at + ("name",), name, problem)
    key = selector.get("key")
    if key == "":
        yield errors.required(at + ("key",), present=True)
    elif isinstance(key, str):
        for problem in syntax.config_map_key(key):
            yield errors.invalid(at + ("key",), key, problem)


def _env_from(at: Pointer, env_from: Any, minor: int) -> Iterator[Report]:
    """ValidateEnvFrom: one source per entry (reported at envFrom itself, as the server does)."""
    relaxed = minor >= RELAXED_ENV_NAMES_SINCE
    for index, item in enumerate(as_list(env_from)):
        if item.__class__ is dict and not _env_from_is_fine(item, relaxed):
            yield from _env_from_item(at, index, item, relaxed)


def _env_from_is_fine(item: Dict[str, Any], relaxed: bool) -> bool:
    prefix = item.get("prefix")
    if prefix is not None and (prefix.__class__ is not str or (prefix and syntax.env_var_name(prefix, relaxed))):
        return False
    config_map, secret = item.get("configMapRef"), item.get("secretRef")
    source = config_map if secret is None else secret if config_map is None else None
    if source.__class__ is not dict:
        return False
    name = source.get("name")
    return name.__class__ is str and bool(name) and not syntax.name_is_dns_subdomain(name, prefix=True)


def _env_from_item(at: Pointer, index: int, item: Dict[str, Any], relaxed: bool) -> Iterator[Report]:
    where = at + ("envFrom", index)
    prefix = item.get("prefix")
    if isinstance(prefix, str) and prefix:
        for problem in syntax.env_var_name(prefix, relaxed):
            yield errors.invalid(where + ("prefix",), prefix, problem)
    sources = [key for key in ("configMapRef", "secretRef") if item.get(key) is not None]
    for key in sources:
        source = item.get(key)
        if not isinstance(source, dict):
            continue
        name = source.get("name", "")
        if name == "":
            yield errors.required(where + (key, "name"), present="name" in source)
        elif isinstance(name, str):
            for problem in syntax.name_is_dns_subdomain(name, prefix=True):
                yield errors.invalid(where + (key, "name"), name, problem)
    if not sources:
        yield errors.invalid(where, "", "must specify one of: `configMapRef` or `secretRef`",
                             field=dotted(at + ("envFrom",)))
    elif len(sources) > 1:
        yield errors.invalid(where, "", "may not have more than one field specified at a time",
                             field=dotted(at + ("envFrom",)))


def _mounts(container: Container) -> Iterator[Report]:
    """ValidateVolumeMounts (names and duplicate paths are KL548 and KL550). Some errors name the
    list rather than the mount (`volumeMounts.subPath`): the server builds their path that way."""
    data, at = container.data, container.pointer + ("volumeMounts",)
    security = data.get("securityContext")
    privileged = isinstance(security, dict) and security.get("privileged") is True
    for index, mount in enumerate(as_list(data.get("volumeMounts"))):
        if mount.__class__ is not dict or _plain_mount(mount):
            continue
        where = at + (index,)
        if mount.get("mountPath") == "":
            yield errors.required(where + ("mountPath",), present=True)
        sub_path, sub_path_expr = mount.get("subPath"), mount.get("subPathExpr")
        if isinstance(sub_path, str) and sub_path:
            for problem in local_descending_path(sub_path):
                yield errors.invalid(where + ("subPath",), sub_path, problem, field=_listed(at, "subPath"))
        if isinstance(sub_path_expr, str) and sub_path_expr:
            if isinstance(sub_path, str) and sub_path:
                yield errors.invalid(where + ("subPathExpr",), sub_path_expr, "subPathExpr and subPath are mutually "
                                                                              "exclusive")
            for problem in local_descending_path(sub_path_expr):
                yield errors.invalid(where + ("subPathExpr",), sub_path_expr, problem, field=_listed(at, "subPathExpr"))
        propagation = mount.get("mountPropagation")
        if isinstance(propagation, str):
            if propagation not in _PROPAGATION:
                yield errors.not_supported(where + ("mountPropagation",), propagation, MOUNT_PROPAGATIONS,
                                           field=_listed(at, "mountPropagation"))
            elif propagation == "Bidirectional" and not privileged and container_group(container) != EPHEMERAL:
                yield errors.forbidden(where + ("mountPropagation",), "Bidirectional mount propagation is available "
                                                                      "only to privileged containers",
                                       anchor="value", field=_listed(at, "mountPropagation"))
        recursive = mount.get("recursiveReadOnly")
        if isinstance(recursive, str) and recursive != "Disabled":
            field = _listed(at, "recursiveReadOnly")
            if recursive not in _RRO:
                yield errors.not_supported(where + ("recursiveReadOnly",), recursive, RECURSIVE_READ_ONLY, field=field)
            else:
                if mount.get("readOnly") is not True:
                    yield errors.forbidden(where + ("recursiveReadOnly",), "may only be specified when readOnly is true",
                                           anchor="value", field=field)
                if propagation not in (None, "None"):
                    yield errors.forbidden(where + ("recursiveReadOnly",), "may only be specified when "
                                                                           "mountPropagation is None or not specified",
                                           anchor="value", field=field)


_PLAIN_MOUNT_KEYS = frozenset({"name", "mountPath", "readOnly"})


def _plain_mount(mount: Dict[str, Any]) -> bool:
    """A mount with only a name, a non-empty path and readOnly: nothing here can be wrong."""
    for key in mount:
        if key not in _PLAIN_MOUNT_KEYS:
            return False
    return mount.get("mountPath") != ""


def _listed(at: Pointer, name: str) -> str:
    """`...volumeMounts.subPath`: the path the server gives these errors (formatted on error only)."""
    return f"{dotted(at)}.{name}"


def local_descending_path(path: str) -> List[str]:
    """validateLocalDescendingPath: relative, and no '..' element."""
    problems = []
    if path.startswith("/"):
        problems.append("must be a relative path")
    if ".." in path.replace("\\", "/").split("/"):
        problems.append("must not contain '..'")
    return problems


def _resize_policy(at: Pointer, policies: Any, pod_restart: Any) -> Iterator[Report]:
    """validateResizePolicy (errors at the list, as the server reports them)."""
    where = at + ("resizePolicy",)
    seen = set()
    for index, policy in enumerate(as_list(policies)):
        if not isinstance(policy, dict):
            continue
        name, restart = policy.get("resourceName"), policy.get("restartPolicy")
        if isinstance(name, str):
            if name in seen:
                yield errors.duplicate(where + (index,), name)
            seen.add(name)
            if name == "":
                yield errors.required(where + (index, "resourceName"), present=True, field=dotted(where))
            elif name not in _RESIZE_RESOURCES:
                yield errors.not_supported(where + (index, "resourceName"), name, RESIZE_RESOURCES,
                                           field=dotted(where))
        if isinstance(restart, str):
            if restart == "":
                yield errors.required(where + (index, "restartPolicy"), present=True, field=dotted(where))
            elif restart not in _RESIZE_POLICIES:
                yield errors.not_supported(where + (index, "restartPolicy"), restart, RESIZE_POLICIES,
                                           field=dotted(where))
            if pod_restart == "Never" and restart != "NotRequired":
                yield errors.invalid(where + (index, "restartPolicy"), restart, "must be 'NotRequired' when "
                                                                                "`restartPolicy` is 'Never'",
                                     field=dotted(where))


def _ephemeral(container: Container, containers: tuple) -> Iterator[Report]:
    """validateEphemeralContainers: the allow-list of fields, subPaths, the target container."""
    data, at = container.data, container.pointer
    for key in EPHEMERAL_FORBIDDEN:
        if data.get(key) is not None:
            yield errors.forbidden(at + (key,), "cannot be set for an Ephemeral Container")
    for index, mount in enumerate(as_list(data.get("volumeMounts"))):
        if isinstance(mount, dict):
            for key in ("subPath", "subPathExpr"):
                if mount.get(key):
                    yield errors.forbidden(at + ("volumeMounts", index, key), "cannot be set for an Ephemeral Container")
    target = data.get("targetContainerName")
    if isinstance(target, str) and target:
        if not any(c.name == target for c in containers if container_group(c) != EPHEMERAL):
            yield errors.not_found(at + ("targetContainerName",), target)

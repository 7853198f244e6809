"""Rule KL503: container names, following pkg/apis/core/validation/validation.go
(validateContainers, validateInitContainers, validateEphemeralContainers, validateContainerCommon:
names are DNS-1123 labels, unique across all containers of the pod)."""

from __future__ import annotations

from typing import Any, Dict, Iterator

from ...findings import Pointer, Severity
from ...model.objects import K8sObject
from ...model.validation import dns1123_label
from ..base import Report, Rule, RuleDoc
from ..common.pods import (
    EPHEMERAL,
    INIT,
    POD_KINDS,
    REGULAR,
    all_containers,
    container_group,
)
from ..common.values import dotted, quoted


class ContainerName(Rule):
    """Container names are DNS labels, unique in the pod."""

    id = "KL503"
    name = "invalid-container-name"
    severity = Severity.ERROR
    summary = "Container names are non-empty DNS-1123 labels, unique across all containers of the pod."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Checks that no container, init container or ephemeral container has an empty name (a missing "
             "one is a schema error), that each name is a DNS-1123 label (lowercase letters, digits and '-', "
             "at most 63 characters) and that no two containers of the pod share it.",
        why="The API server rejects the pod (or the workload) otherwise; names also key logs, exec and "
            "probes per container.",
        failing="containers:\n- name: web\n  image: nginx:1.27\ninitContainers:\n- name: web\n  image: busybox:1.36",
        passing="containers:\n- name: web\n  image: nginx:1.27\n"
                "initContainers:\n- name: migrate\n  image: busybox:1.36")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        containers = all_containers(template)
        # The server checks regular containers first, then init, then ephemeral ones against both.
        order = {REGULAR: 0, INIT: 1, EPHEMERAL: 2}
        seen: Dict[str, Pointer] = {}
        for container in sorted(containers, key=lambda c: order[container_group(c)]):
            name = container.data.get("name")
            pointer = container.pointer + ("name",)
            if not isinstance(name, str):
                continue  # a missing name is a schema error (KL1xx)
            if name == "":
                yield Report(pointer, f"{dotted(pointer)}: a container name is required")
                continue
            problems = dns1123_label(name)
            if problems:
                yield Report(pointer, f"{dotted(pointer)}: {quoted(name)} is not a valid container name: "
                                      f"{'; '.join(problems)}")
            if name in seen:
                yield Report(pointer, f"{dotted(pointer)}: container name {quoted(name)} is already used by "
                                      f"{dotted(seen[name])}; names must be unique across initContainers, "
                                      f"containers and ephemeralContainers")
            else:
                seen[name] = container.pointer

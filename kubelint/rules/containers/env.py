"""Rule KL517: env of containers, mirroring the API server's warning about duplicate env names
(pkg/api/pod/warnings.go)."""

from __future__ import annotations

from typing import Any, Dict, Iterator

from ...findings import Severity
from ...model.objects import K8sObject, as_dict, as_list
from ..base import Report, Rule, RuleDoc
from ..common.pods import POD_KINDS, all_containers
from ..common.values import dotted, quoted


class DuplicateEnvVar(Rule):
    """An env var defined twice in one container (an API server warning)."""

    id = "KL517"
    name = "duplicate-env-var"
    severity = Severity.WARNING
    summary = "An environment variable is defined once per container."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Mirrors the API server's warning (pkg/api/pod/warnings.go): a later env entry with the name of "
             "an earlier one, unless it extends it by reference (X=\"$(X):more\"). Reported at the later entry.",
        why="The later value wins in the container, but kubectl apply merges env by name and may drop one of "
            "the two; the earlier value is usually a forgotten leftover.",
        failing="env:\n- name: LOG_LEVEL\n  value: info\n- name: LOG_LEVEL\n  value: debug",
        passing="env:\n- name: PATH\n  value: /opt/bin\n- name: PATH\n  value: $(PATH):/usr/bin")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for container in all_containers(template):
            first: Dict[str, int] = {}
            for i, item in enumerate(as_list(container.data.get("env"))):
                item = as_dict(item)
                name = item.get("name")
                if not isinstance(name, str):
                    continue
                if name not in first:
                    first[name] = i
                    continue
                raw_value = item.get("value")
                value = raw_value if isinstance(raw_value, str) else ""
                ref = f"$({name})"
                if item.get("valueFrom") is None and value != ref and ref in value:
                    continue  # X="$(X)..." builds on the earlier value
                at = container.pointer + ("env", i, "name")
                earlier = dotted(container.pointer + ("env", first[name]))
                yield Report(at, f"{dotted(at)}: {quoted(name)} is already defined at {earlier}; this definition "
                                 f"hides it and kubectl apply may drop one of them")

"""Kustomization files checked against the Kustomization schema of SchemaStore (vendored in
schemas/vendor/ with its license and sha256 sum), instead of a "no schema" warning.

kustomize itself rejects unknown fields in a kustomization, but SchemaStore's schema can lag
behind kustomize (a newer field would be reported), so these findings are warnings (KL113).
With --kustomize, kustomization files are not checked here: kustomize reads them itself.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, List, Optional

from ..findings import Issue

if TYPE_CHECKING:
    from .validator import KindValidator

RULE_KUSTOMIZATION = "KL113"
GROUP = "kustomize.config.k8s.io"
KINDS = ("Kustomization", "Component")
FILE_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
VENDOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vendor")
_validator: List["KindValidator"] = []


def is_kustomization(api_version: str, kind: str) -> bool:
    return kind in KINDS and api_version.split("/")[0] == GROUP


def is_kustomization_file(path: str) -> bool:
    return os.path.basename(path) in FILE_NAMES


def validator() -> "KindValidator":
    if not _validator:
        import json

        from .validator import KindValidator

        with open(os.path.join(VENDOR, "kustomization.json"), encoding="utf-8") as handle:
            _validator.append(KindValidator(json.load(handle)))
    return _validator[0]


def kustomization_issues(data: Any) -> List[Issue]:
    """What the Kustomization schema says about one kustomization document."""
    return [issue._replace(rule=RULE_KUSTOMIZATION, message=f"kustomization: {issue.message}")
            for issue in validator().issues(data)]


def first_mapping(documents: List[Any]) -> Optional[int]:
    return next((i for i, d in enumerate(documents) if isinstance(d, dict)), None)

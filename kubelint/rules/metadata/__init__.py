"""Rules KL201-KL206: object names, labels, annotations, namespaces and duplicate objects."""

from __future__ import annotations

from typing import List

from ..base import Rule
from .duplicates import DuplicateObject
from .labels import AnnotationSyntax, LabelSyntax
from .names import ObjectName
from .namespaces import ClusterScopedNamespace, NamespaceDefined


def rules() -> List[Rule]:
    return [ObjectName(), LabelSyntax(), AnnotationSyntax(), NamespaceDefined(), ClusterScopedNamespace(),
            DuplicateObject()]

"""What one run is asked to do: the options of `kubelint check` after config and flags are merged."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from ..input.loader import DEFAULT_MAX_FILE_SIZE


class Settings:
    """A plain class, not a dataclass: cheaper to define, and every `kubelint check` imports it.
    Every option is a keyword argument."""

    kubernetes_version: Optional[str]
    strict: bool
    select: Sequence[str]
    ignore: Sequence[str]
    rule_config: Dict[str, dict]  # id/name -> {severity, options, enabled}
    per_file_ignores: Dict[str, List[str]]
    assume_present: Sequence[str]
    complete: bool
    max_file_size: int
    crd_paths: Sequence[str]  # files of CustomResourceDefinitions (--crd)
    schema_locations: Sequence[str]  # directories or URL templates; "default" = bundled
    offline: bool
    ignore_missing_schemas: bool
    skip_kinds: Sequence[str]
    reject_kinds: Sequence[str]
    cache_ttl: Optional[int]  # seconds a downloaded schema is used before revalidation (default 1 day)
    jobs: Optional[int]
    pod_security: Optional[Dict[str, object]]  # config `pod-security:`, validated
    nodes: Optional[List[dict]]  # config `nodes:` node shapes for bin packing

    def __init__(self, *, kubernetes_version: Optional[str] = None, strict: bool = True,
                 select: Sequence[str] = (), ignore: Sequence[str] = (),
                 rule_config: Optional[Dict[str, dict]] = None,
                 per_file_ignores: Optional[Dict[str, List[str]]] = None,
                 assume_present: Sequence[str] = (), complete: bool = False,
                 max_file_size: int = DEFAULT_MAX_FILE_SIZE, crd_paths: Sequence[str] = (),
                 schema_locations: Sequence[str] = (), offline: bool = False,
                 ignore_missing_schemas: bool = False, skip_kinds: Sequence[str] = (),
                 reject_kinds: Sequence[str] = (), cache_ttl: Optional[int] = None,
                 jobs: Optional[int] = None, pod_security: Optional[Dict[str, object]] = None,
                 nodes: Optional[List[dict]] = None) -> None:
        self.kubernetes_version = kubernetes_version
        self.strict = strict
        self.select = select
        self.ignore = ignore
        self.rule_config = {} if rule_config is None else rule_config
        self.per_file_ignores = {} if per_file_ignores is None else per_file_ignores
        self.assume_present = assume_present
        self.complete = complete
        self.max_file_size = max_file_size
        self.crd_paths = crd_paths
        self.schema_locations = schema_locations
        self.offline = offline
        self.ignore_missing_schemas = ignore_missing_schemas
        self.skip_kinds = skip_kinds
        self.reject_kinds = reject_kinds
        self.cache_ttl = cache_ttl
        self.jobs = jobs
        self.pod_security = pod_security
        self.nodes = nodes

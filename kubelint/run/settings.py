"""What one run is asked to do: the options of `kubelint check` after config and flags are merged."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from ..input.loader import DEFAULT_MAX_FILE_SIZE


@dataclass
class Settings:
    kubernetes_version: Optional[str] = None
    strict: bool = True
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    rule_config: Dict[str, dict] = field(default_factory=dict)  # id/name -> {severity, options, enabled}
    per_file_ignores: Dict[str, List[str]] = field(default_factory=dict)
    assume_present: Sequence[str] = ()
    complete: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    crd_paths: Sequence[str] = ()  # files of CustomResourceDefinitions (--crd)
    schema_locations: Sequence[str] = ()  # directories or URL templates; "default" = bundled
    offline: bool = False
    ignore_missing_schemas: bool = False
    skip_kinds: Sequence[str] = ()
    reject_kinds: Sequence[str] = ()
    cache_ttl: Optional[int] = None  # seconds a downloaded schema is used before revalidation (default 1 day)
    jobs: Optional[int] = None
    pod_security: Optional[Dict[str, object]] = None  # config `pod-security:`, validated
    nodes: Optional[List[dict]] = None  # config `nodes:` node shapes for bin packing

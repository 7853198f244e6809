"""Runs a check: read every input, validate, apply rules across the set, place and suppress
findings. Formatters and the CLI only see the RunResult."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from ..config import ConfigError
from ..findings import (
    FILE_START,
    Finding,
    Issue,
    LocatedIssue,
    ObjectRef,
    Position,
    RunResult,
    Severity,
    pointer_to_json_path,
    sort_findings,
)
from ..input.files import InputFile
from ..input.loader import (
    DEFAULT_MAX_FILE_SIZE,
    LoadResult,
    Manifest,
    SourceFile,
    load_file,
)
from ..input.reading import Read, read_file, read_stdin
from ..model.context import AssumePresent, RuleContext
from ..model.index import SetIndex, forget_set
from ..model.objects import K8sObject, checking, release_unpacked, track_unpacked
from ..named_tuple import NamedTuple
from ..rules import Registry, build_registry
from ..rules.base import Rule, RuleSettings
from ..schemas.kustomization import RULE_KUSTOMIZATION, is_kustomization_file
from ..schemas.store import RULE_LOCATION_ERROR, SchemaStore
from .parallel import split_by_weight, workers_for
from .schemacheck import schema_issues
from .settings import Settings
from .suppress import (
    Suppression,
    annotation_keys,
    comment_suppressions,
    matches,
    per_file_ignored,
)

if TYPE_CHECKING:
    from .packing import PackedFile, PackStore

# Input rules stay on under --select: without them a broken file would pass unseen.
ALWAYS_SELECTED_PREFIX = "KL0"
UNUSED_SUPPRESSION = "KL901"


def _key_matches(key: str, rule: Rule) -> bool:
    upper = key.upper()
    if upper == rule.id or key == rule.name or upper == "ALL":
        return True
    # Prefixes select families: "KL3" is every Service rule.
    return upper.startswith("KL") and upper[2:].isdigit() and len(upper) < 5 and rule.id.startswith(upper)


def resolve_rule_settings(registry: Registry, settings: Settings) -> Dict[str, RuleSettings]:
    """Each rule's on/off, severity and options after --select/--ignore and config."""
    for key in list(settings.select) + list(settings.ignore) + list(settings.rule_config):
        if not any(_key_matches(key, rule) for rule in registry.rules):
            raise ConfigError(f'unknown rule "{key}" (see `kubelint rules`)')
    resolved: Dict[str, RuleSettings] = {}
    for rule in registry.rules:
        enabled = rule.enabled_by_default
        if settings.select:
            enabled = rule.id.startswith(ALWAYS_SELECTED_PREFIX) or any(_key_matches(k, rule) for k in settings.select)
        if any(_key_matches(k, rule) for k in settings.ignore):
            enabled = False
        severity = rule.severity
        options = dict(rule.options)
        for key, value in settings.rule_config.items():
            if not (key.upper() == rule.id or key == rule.name):
                continue
            if "severity" in value:
                try:
                    severity = Severity.parse(str(value["severity"]))
                except ValueError as exc:
                    raise ConfigError(f"rules.{key}: {exc}") from None
            if "enabled" in value:
                enabled = bool(value["enabled"])
            for option, option_value in (value.get("options") or {}).items():
                if option not in rule.options:
                    known = ", ".join(sorted(rule.options)) or "none"
                    raise ConfigError(f'rules.{key}: unknown option "{option}" (options: {known})')
                options[option] = option_value
        resolved[rule.id] = RuleSettings(enabled, severity, options)
    return resolved


def read_input(item: InputFile, max_size: int = DEFAULT_MAX_FILE_SIZE) -> Read:
    """An input's bytes, read with a bound (see kubelint.input.reading), or why not."""
    if item.problem is not None:
        return Read(None, item.problem)
    if item.content is not None:
        return Read(item.content)
    if item.real_path == "-":
        return read_stdin(max_size)
    return read_file(item.real_path, max_size)


def unread(path: str, read: Read) -> LoadResult:
    """The LoadResult of an input that could not be read: one finding at its start."""
    result = LoadResult(SourceFile(path))
    result.issues.append(LocatedIssue("KL007" if read.too_large else "KL006", FILE_START, read.problem or ""))
    return result


class Checker:
    """One configured run. Build once, call `run` with the inputs."""

    def __init__(self, settings: Settings, registry: Optional[Registry] = None) -> None:
        self.settings = settings
        self.registry = registry or build_registry()
        self.rule_settings = resolve_rule_settings(self.registry, settings)
        self.store = SchemaStore(settings.kubernetes_version, locations=settings.schema_locations,
                                 offline=settings.offline, strict=settings.strict, cache_ttl=settings.cache_ttl)
        self._plans: Dict[str, List[Tuple[Rule, RuleContext]]] = {}  # kind -> rules and their contexts
        self._plans_index: Optional[SetIndex] = None  # the set those contexts are for
        self._contexts: Dict[str, RuleContext] = {}  # one per rule and set
        self._large_input = False
        self._pack_stores: List["PackStore"] = []  # one per shard of a parallel run
        self._shared_strings: Dict[str, str] = {}  # findings' messages and JSON paths, one copy each
        self._active_rules = [r for r in self.registry.rules
                              if not r.builtin and self.rule_settings[r.id].enabled]
        # Rendered input (kustomize): where an object's field was written, when not in the
        # rendered stream itself: (manifest, pointer, anchor) -> (path, position) or None.
        self.relocate: Optional[Callable[[Manifest, Tuple, str], Optional[Tuple[str, Position]]]] = None

    def run(self, inputs: Sequence[InputFile], progress: Optional[Callable[[int, int], None]] = None) -> RunResult:
        workers = workers_for(len(inputs), self.settings.jobs)
        self._large_input = _input_bytes(inputs) > LARGE_INPUT_BYTES
        if workers > 1 or self._large_input:
            # A large serial run goes the same way with one shard and no worker: its objects
            # stay packed except while they are checked, so memory follows the set's size.
            result = self._run_parallel(inputs, workers)
            if progress is not None:
                progress(len(inputs), len(inputs))
            return result
        loaded = []
        for number, item in enumerate(inputs, start=1):
            if progress is not None:
                progress(number, len(inputs))
            loaded.append(self._load(item, share_strings=self._large_input))
        return self.check_loaded(loaded)

    def _load(self, item: InputFile, share_strings: bool = False) -> LoadResult:
        read = read_input(item, self.settings.max_file_size)
        if read.data is None:
            return unread(item.path, read)
        result = load_file(item.path, read.data, self.settings.max_file_size, share_strings)
        result.source.identity = read.identity
        return result

    def check_loaded(self, loaded: List[LoadResult], context: Sequence[K8sObject] = (),
                     context_loaded: Sequence[LoadResult] = ()) -> RunResult:
        """Check files loaded in this process (a serial run). `context`: objects of other files
        that are in the set (cross-object rules see them) but are not checked themselves."""
        objects = [K8sObject(m) for result in loaded for m in result.manifests]
        findings = self._set_findings(loaded, self._register_crds(loaded + list(context_loaded)))
        checked = self._check_objects(objects, SetIndex(objects + list(context)))
        return self._finish(loaded, objects, findings, checked)

    def object_findings(self, objects: Sequence[K8sObject], index: SetIndex, schema: bool = True) -> List[Finding]:
        """The findings of `objects` in the set `index` (`schema`: with the schema step), those
        their `kubelint.io/ignore` annotation names marked suppressed."""
        return self._check_objects(list(objects), index, schema=schema).findings

    def suppress(self, findings: List[Finding]) -> List[Finding]:
        """Apply comment directives and per-file ignores to findings in files this run did not
        load itself (context files, the sources of rendered objects)."""
        return self._suppress(findings, [], [], report_unused=False)

    # A parallel run: each process loads a shard of the files, then checks that shard's objects
    # against the whole set (see kubelint.run.sharded and kubelint.run.packing).

    def _run_parallel(self, inputs: Sequence[InputFile], workers: int) -> RunResult:
        from .packing import PackStore
        from .sharded import run_sharded

        shards = split_by_weight(list(inputs), [_input_size(item) for item in inputs], workers)
        for rule in self._active_rules:  # imported once here, not in every worker
            rule.resolve()
        self._pack_stores = [PackStore() for _ in shards]  # made before forking, so every process maps them
        numbered = [list(zip([number] * len(shard), shard)) for number, shard in enumerate(shards)]
        try:
            _, results = run_sharded(numbered, self._load_shard, self._check_shard)
            (first_checked, whole_set, _), *others = results
            # This process built the whole set (in shard order) and registered its CRDs for its shard.
            loaded, objects, crd_problems = whole_set
            for _, _, notices in others:  # say each notice once, as a serial run does
                self.store.notices.extend(n for n in notices if n not in self.store.notices)
            findings = self._set_findings(loaded, crd_problems)
            for other_checked, _, _ in others:  # in shard order: the objects' order
                first_checked.findings.extend(other_checked.findings)
                first_checked.annotations.extend(other_checked.annotations)
            first_checked.findings[:] = _once_per_location(first_checked.findings)
            return self._finish(loaded, objects, findings, first_checked)
        finally:
            for store in self._pack_stores:
                store.close()
            self._pack_stores = []

    def _load_shard(self, numbered: Sequence[Tuple[int, InputFile]]
                    ) -> Tuple[Tuple[List[LoadResult], List[K8sObject]], List[PackedFile]]:
        """Load one shard's files (each with its shard number) and pack their objects; the
        summaries for the other processes, if any."""
        from .packing import pack_file, parent_needs_text

        store = self._pack_stores[numbered[0][0]]
        alone = len(self._pack_stores) == 1  # a serial run: no summaries (a tuple or three per object)
        loaded: List[LoadResult] = []
        objects: List[K8sObject] = []
        packed: List[PackedFile] = []
        for _, item in numbered:
            result = self._load(item)  # no shared strings: each file is packed at once
            file_objects = [K8sObject(m) for m in result.manifests]
            needs_text = parent_needs_text(result.source.text)
            summary = pack_file(result, [o.template_labels for o in file_objects], store, summary=not alone)
            if summary is not None:
                packed.append(summary)
            if not needs_text and item.content is None and item.real_path != "-":
                # Only positions need it now, and they read it again.
                result.source.forget_text(item.real_path)
            if self._large_input:  # a large input: keep only the packed copy until each object is checked
                for obj in file_objects:
                    obj.release()
            loaded.append(result)
            objects.extend(file_objects)
        store.finish()
        return (loaded, objects), packed

    def _check_shard(self, number: int, state: Tuple[List[LoadResult], List[K8sObject]],
                     summaries: List[List[PackedFile]]) -> Tuple["Checked",
                                                                 Optional[Tuple[List[LoadResult], List[K8sObject],
                                                                                List[Tuple[Manifest, Issue]]]],
                                                                 List[str]]:
        """The findings of this shard's objects, checked against the whole set; for the first
        shard (the parent's), the whole set's files, objects and CRD problems for the run's
        result; and the schema store's notices (a failing schema location, say)."""
        own_loaded, own = state
        loaded: List[LoadResult] = []
        everything: List[K8sObject] = []
        for shard, summary in enumerate(summaries):
            if shard == number:
                loaded.extend(own_loaded)
                everything.extend(own)
            else:
                others_loaded, others = _unpacked(summary, self._pack_stores[shard])
                summaries[shard] = []  # its objects now hold all of it: free the summary
                loaded.extend(others_loaded)
                everything.extend(others)
        crd_problems = self._register_crds(loaded)  # reported by the parent only
        track_unpacked(self._large_input)
        index = SetIndex(everything)
        try:
            checked = self._check_objects(own, index, release=self._large_input)
        finally:
            track_unpacked(False)
        # Every object of the shard is checked: what the rules derived from the set (20 MiB at
        # 122,500 objects) is dropped before the workers' findings come back to this process.
        self._plans.clear()
        self._contexts.clear()
        self._plans_index = None
        forget_set(index)
        del index
        return checked, ((loaded, everything, crd_problems) if number == 0 else None), self.store.notices

    def _register_crds(self, loaded: List[LoadResult]) -> List[Tuple[Manifest, Issue]]:
        """Make the custom resources that CRDs in the input and from --crd define checkable;
        returns what is wrong with those CRDs."""
        crds = [m for result in loaded + self._crd_files() for m in result.manifests
                if m.ref.kind == "CustomResourceDefinition"]
        return self.store.add_crds(crds)

    def _set_findings(self, loaded: List[LoadResult], crd_problems: List[Tuple[Manifest, Issue]]) -> List[Finding]:
        """Findings about the files and about the CRDs (see _register_crds)."""
        findings: List[Finding] = []
        for manifest, issue in crd_problems:
            finding = self._finding(manifest, issue)
            if finding is not None:
                findings.append(finding)
        for result in loaded:
            for issue in result.issues:
                finding = self._located(result.source.path, issue)
                if finding is not None:
                    findings.append(finding)
            if not result.manifests and result.skipped and is_kustomization_file(result.source.path):
                findings.extend(self._kustomization_file(result))
        return findings

    def _kustomization_file(self, result: LoadResult) -> List[Finding]:
        """A kustomization.yaml without apiVersion and kind (most are) is skipped as a manifest
        but checked against the Kustomization schema."""
        from ..input.yaml_k8s import load_documents
        from ..schemas.kustomization import first_mapping, kustomization_issues

        if self._enabled(RULE_KUSTOMIZATION) is None:
            return []
        try:
            documents, _ = load_documents(result.source._full_text())
        except Exception:  # it parsed once; a second parse failing means nothing to add
            return []
        document = first_mapping(documents)
        if document is None:
            return []
        findings = []
        for issue in kustomization_issues(documents[document]):
            position = result.source.position(document, issue.pointer, issue.anchor)
            finding = self._located(result.source.path, LocatedIssue(
                issue.rule, position, issue.message, json_path=pointer_to_json_path(issue.pointer)))
            if finding is not None:
                findings.append(finding)
        return findings

    def _finish(self, loaded: List[LoadResult], objects: List[K8sObject], findings: List[Finding],
                checked: "Checked") -> RunResult:
        findings.extend(checked.findings)
        findings = self._suppress(findings, loaded, checked.annotations)
        findings = _attribute_rendered(findings, loaded)
        sort_findings(findings)
        return RunResult(self.store.version, findings, files=len(loaded), objects=len(objects),
                         skipped=sum(r.skipped for r in loaded),
                         checked=_CheckedObjects(objects),
                         file_paths=[r.source.path for r in loaded])

    def _check_objects(self, objects: List[K8sObject], index: SetIndex, release: bool = False,
                       schema: bool = True) -> "Checked":
        """The objects' findings, in order, with each one's `kubelint.io/ignore` annotation
        applied (`release`: drop each object's unpacked data once checked)."""
        results = Checked([], [])
        previous_source = None
        for obj in objects:
            if release:
                checking(obj)
            object_findings = self._check_object(obj, index, schema)
            keys, present = annotation_keys(obj.raw.get("metadata"))
            suppression = None
            if present:
                suppression = Suppression(keys, obj.manifest.position(
                    ("metadata", "annotations", "kubelint.io/ignore")), "object")
                object_findings = [_apply(f, [suppression]) for f in object_findings]
                results.annotations.append((obj.path, suppression))
            results.findings.extend(object_findings)
            if release:
                obj.release()
                release_unpacked()  # the objects its rules looked at
                source = obj.manifest.source
                if previous_source is not None and source is not previous_source:
                    previous_source.release_positions()  # a file's objects come one after another
                previous_source = source
        if previous_source is not None:
            previous_source.release_positions()
        return results

    def _crd_files(self) -> List[LoadResult]:
        results = []
        for path in self.settings.crd_paths:
            from ..input.discover import discover

            for item in discover([path]):
                read = read_input(item, self.settings.max_file_size)
                results.append(unread(item.path, read) if read.data is None
                               else load_file(item.path, read.data, self.settings.max_file_size))
        return results

    def _plan(self, kind: str, index: SetIndex) -> List[Tuple[Rule, RuleContext]]:
        """The enabled rules for `kind`, each with its context for this set (built once per
        kind and set: a large run asks for it once per object)."""
        if self._plans_index is not index:
            self._plans_index, self._plans = index, {}
            assume_present = AssumePresent(tuple(self.settings.assume_present))  # one, so its answers are shared
            nodes = tuple(self.settings.nodes) if self.settings.nodes else None
            self._contexts = {rule.id: RuleContext(
                index, self.store.version, self.rule_settings[rule.id].options, self.settings.complete,
                assume_present, self.settings.pod_security, nodes) for rule in self._active_rules}
        plan = self._plans.get(kind)
        if plan is None:
            # resolve(): a rule's module is imported when the first object of a kind it applies to comes.
            plan = self._plans[kind] = [(rule.resolve(), self._contexts[rule.id])
                                        for rule in self._active_rules if rule.applies_to(kind)]
        return plan

    def _check_object(self, obj: K8sObject, index: SetIndex, schema: bool = True) -> List[Finding]:
        issues: List[Issue] = []
        if schema:
            try:
                issues = list(schema_issues(obj.manifest, self.store, self.settings))
            except RecursionError:
                issues = [Issue("KL009", (), "nesting too deep to validate against the schema")]
            except Exception as exc:  # an engine's bug must not hide every other finding
                issues = [Issue("KL101", (), f"internal error while validating against the schema: "
                                             f"{type(exc).__name__}: {exc}", severity=Severity.ERROR)]
        for rule, context in self._plan(obj.kind, index):
            try:
                for report in rule.check(obj, context):
                    issues.append(Issue(rule.id, tuple(report.pointer), report.message, report.anchor, report.severity))
            except Exception as exc:  # a rule bug must not hide every other finding
                issues.append(Issue(rule.id, (), f"internal error in rule {rule.name}: {type(exc).__name__}: {exc}",
                                    severity=Severity.ERROR))
        if not issues:
            return []
        return [f for f in (self._finding(obj.manifest, issue) for issue in issues) if f is not None]

    def _enabled(self, rule_id: str) -> Optional[Tuple[Rule, RuleSettings]]:
        """The rule and its settings, or None when this run has it off."""
        settings = self.rule_settings.get(rule_id)
        if settings is None or not settings.enabled:
            return None
        return self.registry.get(rule_id), settings

    def _finding(self, manifest: Manifest, issue: Issue) -> Optional[Finding]:
        """Stamp an object's issue with its rule's name, configured severity and position."""
        enabled = self._enabled(issue.rule)
        if enabled is None:
            return None
        rule, settings = enabled
        # A report's own severity holds unless config changed the rule's severity.
        severity = issue.severity if issue.severity is not None and settings.severity == rule.severity \
            else settings.severity
        moved = self.relocate(manifest, manifest.base + tuple(issue.pointer), issue.anchor) \
            if self.relocate is not None else None
        path, position = moved if moved is not None else \
            (manifest.source.path, manifest.position(issue.pointer, issue.anchor))
        # A run keeps every finding to the end, and most messages and JSON paths repeat (one
        # rule, one problem, many objects): one copy of each.
        shared = self._shared_strings
        message = shared.setdefault(issue.message, issue.message)
        json_path = pointer_to_json_path(manifest.base + tuple(issue.pointer))
        return Finding(
            path=path, position=position,
            rule=rule.id, name=rule.name, severity=severity, message=message,
            object=manifest.ref, json_path=shared.setdefault(json_path, json_path))

    def _located(self, path: str, issue: LocatedIssue) -> Optional[Finding]:
        enabled = self._enabled(issue.rule)
        if enabled is None:
            return None
        rule, settings = enabled
        return Finding(path=path, position=issue.position, rule=rule.id, name=rule.name,
                       severity=settings.severity, message=issue.message, object=issue.object,
                       json_path=issue.json_path)

    def _suppress(self, findings: List[Finding], loaded: List[LoadResult],
                  annotations: List[Tuple[str, Suppression]], report_unused: bool = True) -> List[Finding]:
        comments = {r.source.path: comment_suppressions(r.source.text) for r in loaded}
        elsewhere: Dict[str, List[Suppression]] = {}  # files the finding was moved to, read on demand
        result: List[Finding] = []
        for finding in findings:
            directives = comments.get(finding.path)
            if directives is None:
                directives = elsewhere.get(finding.path)
                if directives is None:
                    directives = elsewhere[finding.path] = comment_suppressions(_text_of(finding.path))
            in_file = [s for s in directives if s.scope == "file" or s.line == finding.line]
            finding = _apply(finding, in_file)
            if not finding.suppressed and per_file_ignored(
                    finding.path, self.settings.per_file_ignores, finding.rule, finding.name):
                finding = _suppressed(finding)
            result.append(finding)
        if report_unused and self.rule_settings[UNUSED_SUPPRESSION].enabled:
            rule = self.registry.get(UNUSED_SUPPRESSION)
            severity = self.rule_settings[UNUSED_SUPPRESSION].severity
            every = [(path, s) for path, suppressions in comments.items() for s in suppressions] + annotations
            for path, suppression in every:
                for key in suppression.keys:
                    if key in suppression.used:
                        continue
                    message = (f'suppression of "{key}" matches no finding' if key in self.registry or key == "all"
                               else f'suppression names unknown rule "{key}"')
                    result.append(Finding(path=path, position=suppression.position, rule=rule.id,
                                          name=rule.name, severity=severity, message=message))
        return result


# Above this much input, memory rather than time becomes the limit. A serial run then shares
# one copy of each key and short string between documents (a third less memory, about 10%
# slower); a parallel run keeps objects packed except while they are checked.
LARGE_INPUT_BYTES = 16 * 1024 * 1024


def _text_of(path: str) -> str:
    """A file's text for its comment directives; empty when it cannot be read."""
    if path == "-":
        return ""
    try:
        with open(path, "rb") as handle:
            data = handle.read(DEFAULT_MAX_FILE_SIZE)
    except OSError:
        return ""
    return data.decode("utf-8-sig", "replace") if b"kubelint:" in data else ""


def _input_bytes(inputs: Sequence[InputFile]) -> int:
    return sum(_input_size(item) for item in inputs)


def _input_size(item: InputFile) -> int:
    if item.content is not None:
        return len(item.content)
    if item.real_path == "-":
        return 0
    try:
        return os.path.getsize(item.real_path)
    except OSError:
        return 0


class Checked(NamedTuple):
    """What checking a run's objects found: their findings in the objects' order, flat (a
    list per object cost more than the findings of a large run), and the `kubelint.io/ignore`
    annotations met, with the path of the object that carries each."""

    findings: List[Finding]
    annotations: List[Tuple[str, Suppression]]


class _CheckedObjects(Sequence[Tuple[str, ObjectRef]]):
    """RunResult.checked, (path, object) of each object in input order, made as it is read: a
    tuple per object built at the end of a large run was the top of its memory (the objects
    themselves live until the report is written anyway)."""

    __slots__ = ("_objects",)

    def __init__(self, objects: List[K8sObject]) -> None:
        self._objects = objects

    def __len__(self) -> int:
        return len(self._objects)

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        if isinstance(index, slice):
            return [(o.path, o.ref) for o in self._objects[index]]
        obj = self._objects[index]
        return obj.path, obj.ref

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)


def _once_per_location(findings: List[Finding]) -> List[Finding]:
    """Each process reports a failing schema location on the first object that needed it; a
    serial run reports it once, so keep the first report of each message only."""
    seen: set = set()
    kept = []
    for finding in findings:
        if finding.rule == RULE_LOCATION_ERROR:
            if finding.message in seen:
                continue
            seen.add(finding.message)
        kept.append(finding)
    return kept


def _unpacked(packed_files: List[PackedFile], store: "PackStore") -> Tuple[List[LoadResult], List[K8sObject]]:
    """Files packed by another process, as LoadResults and objects that unpack on first use."""
    from .packing import unpack_file

    loaded: List[LoadResult] = []
    objects: List[K8sObject] = []
    for packed in packed_files:
        result, template_labels = unpack_file(packed, store)
        loaded.append(result)
        objects.extend(K8sObject(m, labels) for m, labels in zip(result.manifests, template_labels))
    return loaded, objects


def _attribute_rendered(findings: List[Finding], loaded: List[LoadResult]) -> List[Finding]:
    """Findings in `helm template` output stay at the line of the stream that was checked, and
    name the template its `# Source:` comment gives, with the line inside that rendered document."""
    from ..input.rendered import SourceComments

    comments = {r.source.path: SourceComments(r.source.text) for r in loaded if "# Source: " in r.source.text}
    if not any(comments.values()):
        return findings
    result = []
    for finding in findings:
        sources = comments.get(finding.path)
        where = sources.attribute(finding.line) if sources else None
        if where is not None and finding.object is not None:
            template, line = where
            finding = finding.replace(template=(template, line),
                              message=f"{finding.message} (template {template}, line {line} of its output)")
        result.append(finding)
    return result


def _suppressed(finding: Finding) -> Finding:
    return finding.replace(suppressed=True)


def _apply(finding: Finding, suppressions: Iterable[Suppression]) -> Finding:
    """Mark `finding` suppressed if any of `suppressions` names its rule (and record the use)."""
    hit = False
    for suppression in suppressions:
        key = matches(suppression.keys, finding.rule, finding.name)
        if key:
            suppression.used.add(key)
            hit = True
    return _suppressed(finding) if hit else finding

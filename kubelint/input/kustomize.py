"""`--kustomize`: which kustomization roots to render, what files they consume, and rendering
them with `kubectl kustomize` (or `kustomize build`) so that every object says where it came from.

A root is a directory holding `kustomization.yaml`, `kustomization.yml` or `Kustomization`.
Under the given paths, every root is rendered except Components (they render only inside
another kustomization) and roots that a rendered root includes (a base of overlays/prod is
checked through prod's output, not again on its own).

Rendering goes through a wrapper kustomization in a temporary directory that includes the root
and asks for `buildMetadata: [originAnnotations, transformerAnnotations]`: kustomize then
annotates each object with the file that defined it (`config.kubernetes.io/origin`) and the
kustomization files whose transformers (patches among them) touched it
(`alpha.config.kubernetes.io/transformations`). kubelint.input.origins reads them; the
annotations are taken out of the objects before they are checked, unless the root asked for
them itself. The renderer is given only the temporary directory's absolute path, so no
directory name can be read as an option.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from ..named_tuple import NamedTuple
from .files import DiscoveryError

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
RENDER_TIMEOUT_SECONDS = 120
MAX_KUSTOMIZATION_BYTES = 1024 * 1024
ORIGIN = "config.kubernetes.io/origin"
TRANSFORMATIONS = "alpha.config.kubernetes.io/transformations"


def kustomization_file(directory: str) -> Optional[str]:
    for name in KUSTOMIZATION_FILES:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


def is_remote(entry: str) -> bool:
    """A resource kustomize fetches (a URL or a git repository), not a local path."""
    return "://" in entry or entry.startswith(("git@", "github.com/", "gitlab.com/", "bitbucket.org/"))


class Patch(NamedTuple):
    """One patch of a kustomization: in a file, or inline (its text and where it is written)."""

    path: Optional[str]  # absolute path of a patch file
    text: Optional[str]  # an inline patch
    pointer: Tuple[Any, ...]  # of the inline text within the kustomization file
    target: Optional[Dict[str, Any]]


class Kustomization:
    """One parsed kustomization file and the local things it uses."""

    def __init__(self, file: str, data: Dict[str, Any]) -> None:
        self.file = os.path.abspath(file)
        self.directory = os.path.dirname(self.file)
        self.data = data

    @property
    def is_component(self) -> bool:
        return self.data.get("kind") == "Component"

    def build_metadata(self) -> List[str]:
        value = self.data.get("buildMetadata")
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def _entries(self, key: str) -> List[str]:
        value = self.data.get(key)
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def _local(self, entry: str) -> Optional[str]:
        if not entry or is_remote(entry) or "\n" in entry:
            return None
        return os.path.normpath(os.path.join(self.directory, entry))

    def included_directories(self) -> List[str]:
        """Kustomization directories this one includes (resources, bases, components)."""
        found = []
        for key in ("resources", "bases", "components"):
            for entry in self._entries(key):
                path = self._local(entry)
                if path is not None and os.path.isdir(path):
                    found.append(path)
        return found

    def used_files(self) -> Iterator[str]:
        """Local files this kustomization reads (resources, patches, generator sources...)."""
        yield self.file
        for key in ("resources", "crds", "configurations", "patchesStrategicMerge", "generators",
                    "transformers", "validators"):
            for entry in self._entries(key):
                path = self._local(entry)
                if path is not None and os.path.isfile(path):
                    yield path
        for key in ("patches", "patchesJson6902", "replacements"):
            for item in self.data.get(key) or []:
                if isinstance(item, dict) and isinstance(item.get("path"), str):
                    path = self._local(item["path"])
                    if path is not None:
                        yield path
        for key in ("configMapGenerator", "secretGenerator"):
            for item in self.data.get(key) or []:
                if not isinstance(item, dict):
                    continue
                sources = [s for s in (item.get("files") or []) + (item.get("envs") or []) if isinstance(s, str)]
                if isinstance(item.get("env"), str):
                    sources.append(item["env"])
                for source in sources:
                    path = self._local(source.split("=", 1)[-1])
                    if path is not None:
                        yield path
        openapi = self.data.get("openapi")
        if isinstance(openapi, dict) and isinstance(openapi.get("path"), str):
            path = self._local(openapi["path"])
            if path is not None:
                yield path

    def patches(self) -> List[Patch]:
        """The patches, in the order kustomize applies them."""
        found: List[Patch] = []
        for key in ("patches", "patchesJson6902"):
            items = self.data.get(key)
            for index, item in enumerate(items if isinstance(items, list) else []):
                if not isinstance(item, dict):
                    continue
                target = item.get("target") if isinstance(item.get("target"), dict) else None
                if isinstance(item.get("path"), str):
                    found.append(Patch(self._local(item["path"]), None, (), target))
                elif isinstance(item.get("patch"), str):
                    found.append(Patch(None, item["patch"], (key, index, "patch"), target))
        items = self.data.get("patchesStrategicMerge")
        for index, entry in enumerate(items if isinstance(items, list) else []):
            if not isinstance(entry, str):
                continue
            if "\n" in entry or entry.lstrip().startswith(("apiVersion", "kind", "{")):
                found.append(Patch(None, entry, ("patchesStrategicMerge", index), None))
            else:
                found.append(Patch(self._local(entry), None, (), None))
        return found


_parsed: Dict[str, Optional[Kustomization]] = {}


def read_kustomization(directory: str) -> Optional[Kustomization]:
    """The kustomization of `directory`, or None (no file, unreadable, not a mapping)."""
    file = kustomization_file(directory)
    if file is None:
        return None
    key = os.path.abspath(file)
    if key not in _parsed:
        _parsed[key] = None
        try:
            with open(file, "rb") as handle:
                text = handle.read(MAX_KUSTOMIZATION_BYTES + 1)
            if len(text) <= MAX_KUSTOMIZATION_BYTES:
                from .yaml_k8s import load_documents

                documents, _ = load_documents(text.decode("utf-8-sig"))
                if documents and isinstance(documents[0], dict):
                    _parsed[key] = Kustomization(file, documents[0])
        except Exception:  # a broken kustomization is kustomize's to report when it renders
            pass
    return _parsed[key]


class Roots(NamedTuple):
    render: List[str]  # root directories to render, as given (relative stays relative)
    inputs: Set[str]  # absolute paths of files that are only kustomize input


def find_roots(paths: Sequence[str]) -> Roots:
    """The kustomization roots under `paths` to render, and the files they consume."""
    candidates: List[str] = []
    for path in paths:
        if path == "-" or not os.path.isdir(path):
            continue
        for directory, subdirs, names in os.walk(path):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
            if any(name in names for name in KUSTOMIZATION_FILES):
                candidates.append(os.path.normpath(directory))
    candidates = list(dict.fromkeys(candidates))
    included: Set[str] = set()
    inputs: Set[str] = set()
    for candidate in candidates:
        reached = _reachable(os.path.abspath(candidate))
        included.update(d for d in reached if d != os.path.abspath(candidate))
        for directory in reached:
            kustomization = read_kustomization(directory)
            if kustomization is not None:
                inputs.update(kustomization.used_files())
    render = []
    for candidate in candidates:
        kustomization = read_kustomization(candidate)
        if os.path.abspath(candidate) in included or (kustomization is not None and kustomization.is_component):
            continue
        render.append(candidate)
    return Roots(render, inputs)


def _reachable(start: str) -> Set[str]:
    """Kustomization directories `start` includes, transitively, and itself."""
    seen: Set[str] = set()
    stack = [start]
    while stack:
        directory = stack.pop()
        if directory in seen:
            continue
        seen.add(directory)
        kustomization = read_kustomization(directory)
        if kustomization is not None:
            stack.extend(os.path.abspath(d) for d in kustomization.included_directories())
    return seen


def renderer() -> List[str]:
    """`kubectl kustomize` or `kustomize build`, whichever is installed."""
    import shutil

    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    raise DiscoveryError("--kustomize needs kubectl or kustomize on PATH: install kubectl "
                         "(https://kubernetes.io/docs/tasks/tools/) or kustomize "
                         "(https://kubectl.docs.kubernetes.io/installation/kustomize/)")


class Rendered(NamedTuple):
    root: str  # as given
    output: bytes  # the rendered stream
    wrapper: str  # absolute directory the origin annotations' paths are relative to
    keep_annotations: Tuple[str, ...]  # origin annotations the root asked for itself


def render(root: str) -> Rendered:
    """Render one root with origin annotations; DiscoveryError when kustomize fails."""
    import subprocess
    import tempfile

    command = renderer()
    kustomization = read_kustomization(root)
    asked = kustomization.build_metadata() if kustomization is not None else []
    keep = tuple(annotation for option, annotation in (("originAnnotations", ORIGIN),
                                                         ("transformerAnnotations", TRANSFORMATIONS))
                 if option in asked)
    with tempfile.TemporaryDirectory(prefix="kubelint-kustomize-") as wrapper:
        wrapper = os.path.realpath(wrapper)
        relative = os.path.relpath(os.path.realpath(root), wrapper)
        import json

        with open(os.path.join(wrapper, "kustomization.yaml"), "w", encoding="utf-8") as handle:
            # JSON is YAML: the path is quoted whatever characters it holds.
            handle.write("resources:\n- " + json.dumps(relative) + "\n"
                         "buildMetadata: [originAnnotations, transformerAnnotations]\n")
        try:
            completed = subprocess.run([*command, wrapper], capture_output=True, timeout=RENDER_TIMEOUT_SECONDS)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DiscoveryError(f"{' '.join(command)} {root} failed: {exc}") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip() or f"exit code {completed.returncode}"
        # Name the root as the user gave it, not as the temporary wrapper reached it.
        message = message.replace(f"'{relative}'", f"'{root}'").replace(wrapper + "/", "").replace(wrapper, "")
        raise DiscoveryError(f"{' '.join(command)} {root} failed: {message}")
    return Rendered(root, completed.stdout, wrapper, keep)

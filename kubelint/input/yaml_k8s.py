"""PyYAML loaders that type plain scalars exactly as Kubernetes does (go-yaml v2, YAML 1.1).

sigs.k8s.io/yaml turns YAML into JSON through go-yaml v2, so `yes`/`no`/`on`/`off`/`y`/`n`
are booleans, `0644` is the octal integer 420, `1e3` is the float 1000, and timestamps stay
strings. PyYAML's own YAML 1.1 resolver differs on `y`/`n`, `1e3`, sexagesimal numbers and
timestamps, so the implicit resolvers are replaced wholesale here.
"""

from __future__ import annotations

import functools
import re
from typing import Any, List, Tuple

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import BaseResolver

try:  # the C parser is an order of magnitude faster; PyYAML built without libyaml lacks it
    from yaml._yaml import CParser as _FastParser
except ImportError:  # pragma: no cover - depends on the PyYAML build
    _FastParser = None

from yaml.composer import Composer
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from .shared_strings import SHARED_STRINGS

BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
NUMBER_TAG = "tag:kubelint,2024:number"  # int or float, decided by go's rules
MERGE_TAG = "tag:yaml.org,2002:merge"

_TRUE = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"}
_FALSE = {"n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"}
_INF_NAN = {".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
            "+.inf": float("inf"), "+.Inf": float("inf"), "+.INF": float("inf"),
            "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
            ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan")}

# go-yaml v2 strips underscores, then tries strconv.ParseInt(s, 0, 64), then this float form.
_GO_INT = re.compile(r"[-+]?(?:0[bB][01]+|0[oO]?[0-7]+|0[xX][0-9a-fA-F]+|[1-9][0-9]*|0)\Z")
_GO_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_NUMBER_CANDIDATE = re.compile(r"[-+]?[0-9._][0-9a-fA-FxXoObB_.eE+-]*\Z|[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z")


def go_number(text: str) -> Any:
    """The value go-yaml v2 gives a plain scalar that starts like a number."""
    if text in _INF_NAN:
        return _INF_NAN[text]
    if text.startswith("."):  # go-yaml parses these with ParseFloat as written, underscores and all
        return float(text) if _GO_FLOAT.match(text) else text
    plain = text.replace("_", "")
    if _GO_INT.match(plain):
        sign = -1 if plain.startswith("-") else 1
        digits = plain.lstrip("+-")
        if len(digits) > 1 and digits[0] == "0" and digits[1] not in "xXbBoO":
            return sign * int(digits[1:], 8)
        return sign * int(digits, 0)
    if _GO_FLOAT.match(plain):
        return float(plain)
    return text


class K8sResolver(BaseResolver):
    """Implicit tags for plain scalars following go-yaml v2."""


K8sResolver.yaml_implicit_resolvers = {}
K8sResolver.add_implicit_resolver(
    BOOL_TAG, re.compile(r"(?:" + "|".join(sorted(_TRUE | _FALSE)) + r")\Z"), list("yYnNtTfFoO"))
K8sResolver.add_implicit_resolver(NULL_TAG, re.compile(r"(?:~|null|Null|NULL|)\Z"), ["~", "n", "N", ""])
# go-yaml only tries numbers for scalars starting with a digit, a sign or a dot ("_1" is a string).
K8sResolver.add_implicit_resolver(NUMBER_TAG, _NUMBER_CANDIDATE, list("-+0123456789."))
K8sResolver.add_implicit_resolver(MERGE_TAG, re.compile(r"<<\Z"), ["<"])




class DuplicateKey(Exception):
    """Raised when a mapping repeats a key; carries the two marks."""

    def __init__(self, key: str, first: yaml.Mark, second: yaml.Mark) -> None:
        super().__init__(key)
        self.key, self.first, self.second = key, first, second


class RefusedTag(Exception):
    def __init__(self, tag: str, mark: yaml.Mark) -> None:
        super().__init__(tag)
        self.tag, self.mark = tag, mark


def json_key(key: Any) -> str:
    """Keys become strings as sigs.k8s.io/yaml's YAML-to-JSON conversion makes them."""
    if isinstance(key, str):
        return key
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, float):
        return format(key, "g")
    return str(key)


class K8sConstructor(SafeConstructor):
    """SafeConstructor with Kubernetes typing, duplicate-key detection and refused tags."""

    def construct_bool(self, node: yaml.ScalarNode) -> bool:
        return node.value in _TRUE

    def construct_number(self, node: yaml.ScalarNode) -> Any:
        return go_number(node.value)

    def construct_string(self, node: yaml.Node) -> Any:
        # Timestamps, binary and any other explicit scalar tag keep their text, as in go-yaml v2
        # decoding into interface{}.
        if isinstance(node, yaml.ScalarNode):
            return node.value
        return self.construct_plain(node)

    def construct_plain(self, node: yaml.Node) -> Any:
        """Local tags (`!Ref`, `!vault`): the node's value with the tag ignored."""
        if isinstance(node, yaml.MappingNode):
            return self.construct_yaml_map_gen(node)
        if isinstance(node, yaml.SequenceNode):
            return self.construct_yaml_seq(node)
        return node.value

    def construct_yaml_map_gen(self, node: yaml.MappingNode) -> Any:
        data: dict = {}
        yield data
        data.update(self.construct_mapping(node))

    def construct_refused(self, tag_suffix: str, node: yaml.Node) -> Any:
        raise RefusedTag(node.tag, node.start_mark)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
        if not isinstance(node, yaml.MappingNode):
            raise ConstructorError(None, None, f"expected a mapping node, but found {node.id}", node.start_mark)
        self.flatten_mapping(node)
        mapping: dict = {}
        seen: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                # go-yaml allows it, but JSON (and so Kubernetes) has no non-string keys.
                raise ConstructorError("while constructing a mapping", node.start_mark,
                                       f"a {key_node.id} cannot be a key", key_node.start_mark)
            key = key_node.value if key_node.tag == "tag:yaml.org,2002:str" \
                else json_key(self.construct_object(key_node))
            key = SHARED_STRINGS.setdefault(key, key)
            if key in seen:
                # Merged keys (<<) may be overridden; flatten_mapping puts them first and marks
                # nothing, so only report a repeat when both keys are written in this mapping.
                if seen[key] is not None:
                    raise DuplicateKey(key, seen[key], key_node.start_mark)
            mapping[key] = self.construct_object(value_node, deep=deep)
            seen[key] = key_node.start_mark if not getattr(key_node, "_merged", False) else None
        return mapping

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        for key_node, value_node in node.value:
            # go-yaml v2 (decoder.merge) takes a mapping, an alias of a mapping, or a sequence
            # written in place; an alias of a sequence fails ("map merge requires map or
            # sequence of maps as the value"). An anchor comes before its aliases, so an
            # aliased node starts before the `<<` key that uses it; one written in place after.
            if (key_node.tag == MERGE_TAG and isinstance(value_node, yaml.SequenceNode)
                    and value_node.start_mark.index < key_node.start_mark.index):
                raise ConstructorError("while constructing a mapping", node.start_mark,
                                       "map merge requires map or sequence of maps as the value "
                                       "(an alias of a sequence cannot be merged)", key_node.start_mark)
        # Tag merged keys so that an explicit key overriding a merged one is not a duplicate.
        own = list(node.value)
        super().flatten_mapping(node)
        own_ids = {id(k) for k, _ in own}
        for key_node, _ in node.value:
            if id(key_node) not in own_ids:
                key_node._merged = True  # type: ignore[attr-defined]


K8sConstructor.yaml_constructors = dict(SafeConstructor.yaml_constructors)
K8sConstructor.yaml_multi_constructors = {}
K8sConstructor.add_constructor(BOOL_TAG, K8sConstructor.construct_bool)
K8sConstructor.add_constructor(NUMBER_TAG, K8sConstructor.construct_number)
K8sConstructor.add_constructor("tag:yaml.org,2002:int", K8sConstructor.construct_number)
K8sConstructor.add_constructor("tag:yaml.org,2002:float", K8sConstructor.construct_number)
K8sConstructor.add_constructor("tag:yaml.org,2002:timestamp", K8sConstructor.construct_string)
K8sConstructor.add_constructor("tag:yaml.org,2002:binary", K8sConstructor.construct_string)
K8sConstructor.add_constructor("tag:yaml.org,2002:map", K8sConstructor.construct_yaml_map_gen)
# Sets, ordered maps and pairs have no JSON form; go-yaml v2 reads them as plain maps and lists.
K8sConstructor.add_constructor("tag:yaml.org,2002:set", K8sConstructor.construct_yaml_map_gen)
K8sConstructor.add_constructor("tag:yaml.org,2002:omap", K8sConstructor.construct_plain)
K8sConstructor.add_constructor("tag:yaml.org,2002:pairs", K8sConstructor.construct_plain)
K8sConstructor.add_multi_constructor("tag:yaml.org,2002:python/", K8sConstructor.construct_refused)
K8sConstructor.add_multi_constructor("!", lambda self, suffix, node: self.construct_plain(node))
# Any other tag (`!!set`, a typo'd `!!strr`): the value with the tag ignored.
K8sConstructor.add_constructor(None, K8sConstructor.construct_plain)  # type: ignore[arg-type]


class SafeK8sLoader(Reader, Scanner, Parser, Composer, K8sConstructor, K8sResolver):
    """Pure-Python parser with the same typing: used where libyaml could overflow the C stack
    (very deep nesting), because the Python one raises RecursionError instead."""

    def __init__(self, stream: Any) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        K8sConstructor.__init__(self)
        K8sResolver.__init__(self)


# Node trees for positions need no tag on most plain scalars: only keys along a finding's path
# are looked at, and they are resolved then (positions.plain_tag). Resolving every scalar with
# the implicit-resolver regexes was a third of the cost of composing.
UNRESOLVED_PLAIN = "tag:kubelint,2026:unresolved-plain"


class _LazyPlainTags:
    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return UNRESOLVED_PLAIN
        return K8sResolver.resolve(self, kind, value, implicit)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=4096)  # keys repeat ("metadata", "name") across every finding's path
def resolve_plain(value: str) -> str:
    """The tag Kubernetes' typing gives a plain scalar."""
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))


_RESOLVER = K8sResolver()


class SafeComposer(_LazyPlainTags, Reader, Scanner, Parser, Composer, K8sResolver):
    """Pure-Python node trees with marks, for the same deeply nested input."""

    def __init__(self, stream: Any) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        K8sResolver.__init__(self)


if _FastParser is not None:

    class FastK8sLoader(_FastParser, K8sConstructor, K8sResolver):  # type: ignore[misc, valid-type]
        """libyaml parser with Kubernetes typing: the everyday path."""

        def __init__(self, stream: Any) -> None:
            _FastParser.__init__(self, stream)
            K8sConstructor.__init__(self)
            K8sResolver.__init__(self)

    class FastComposer(_LazyPlainTags, _FastParser, K8sResolver):  # type: ignore[misc, valid-type]
        """Builds node trees with marks, for positions; same tags as the loaders."""

        def __init__(self, stream: Any) -> None:
            _FastParser.__init__(self, stream)
            K8sResolver.__init__(self)

else:  # pragma: no cover - PyYAML without libyaml: the same typing, slower
    FastK8sLoader = SafeK8sLoader  # type: ignore[misc]
    FastComposer = SafeComposer  # type: ignore[misc]


def load_documents(text: str, safe: bool = False) -> Tuple[List[Any], List[int]]:
    """Every document of `text` as Python data, with the 0-based line each document starts on.

    Raises yaml.YAMLError, DuplicateKey, RefusedTag or RecursionError; the documents read
    before the error are in the exception's `documents` attribute.
    """
    loader = (SafeK8sLoader if safe else FastK8sLoader)(text)
    documents: List[Any] = []
    starts: List[int] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            starts.append(node.start_mark.line if node is not None else 0)
            documents.append(loader.construct_document(node))
    except BaseException as exc:
        exc.documents = documents  # type: ignore[attr-defined]
        exc.starts = starts  # type: ignore[attr-defined]
        raise
    finally:
        loader.dispose()
    return documents, starts

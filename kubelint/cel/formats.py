"""The Kubernetes CEL format library (k8s.io/apiserver/pkg/cel/library/format.go, Kubernetes 1.31+):
`format.dns1123Label()` and the other named formats, `format.named(name)`, and
`<format>.validate(str)`, which is optional.none() for a valid string and optional.of(errors)
otherwise.

The checks are the ones format.go binds: apimachinery's NameIsDNSLabel / NameIsDNSSubdomain /
NameIsDNS1035Label (with or without the generateName prefix mask), IsQualifiedName,
IsValidLabelValue, Go's url.ParseRequestURI, and kube-openapi strfmt's uuid, byte, date and
datetime. The DNS, qualified-name and label checks are kubelint's own (model/validation), so their
messages read as kubelint words them, not byte for byte as the server's.

Functions written in Python cannot return CEL optionals, so `validate` and `format.named` return a
map that holds the value under "v" when there is one, and `optional_calls` rewrites an expression
so that each such call is followed by the optional index `[?"v"]`: optional.none() for the empty
map, optional.of(value) otherwise, which is exactly upstream's result.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List

FORMAT_TAG = "format"
OPTIONAL_KEY = "v"


def _mask_trailing_dash(name: str) -> str:
    """apimachinery maskTrailingDash: a generateName prefix may end in '-'."""
    return name[:-2] + "a" if len(name) > 1 and name.endswith("-") else name


def _dns1123_label(text: str) -> List[str]:
    from ..model.validation import dns1123_label

    return dns1123_label(text)


def _dns1123_subdomain(text: str) -> List[str]:
    from ..model.validation import dns1123_subdomain

    return dns1123_subdomain(text)


def _dns1035_label(text: str) -> List[str]:
    from ..model.validation import dns1035_label

    return dns1035_label(text)


def _qualified_name(text: str) -> List[str]:
    from ..model.validation import qualified_name

    return qualified_name(text)


def _label_value(text: str) -> List[str]:
    from ..model.validation import label_value

    return label_value(text)


def _uri(text: str) -> List[str]:
    from .library import is_url

    return [] if is_url(text) else [f'parse "{text}": invalid URI for request']


_UUID = re.compile(r"(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\Z")
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})\Z")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))\Z")


def is_date(text: str) -> bool:
    """Go's time.Parse("2006-01-02", s): two-digit month and day, a real day of that month."""
    import datetime

    match = _DATE.match(text)
    if match is None:
        return False
    try:
        datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return False
    return True


def is_datetime(text: str) -> bool:
    """strfmt.IsDateTime: a date, a `t`, then hh:mm:ss[.frac] and z or an offset (case-insensitive)."""
    if len(text) < 4:
        return False
    parts = text.lower().split("t")
    if len(parts) < 2 or not is_date(parts[0]):
        return False
    match = _TIME.match(parts[1])
    if match is None:
        return False
    return match.group(1) <= "23" and match.group(2) <= "59" and match.group(3) <= "59"


VALIDATORS: Dict[str, Callable[[str], List[str]]] = {
    "dns1123Label": _dns1123_label,
    "dns1123Subdomain": _dns1123_subdomain,
    "dns1035Label": _dns1035_label,
    "qualifiedName": _qualified_name,
    "dns1123LabelPrefix": lambda s: _dns1123_label(_mask_trailing_dash(s)),
    "dns1123SubdomainPrefix": lambda s: _dns1123_subdomain(_mask_trailing_dash(s)),
    "dns1035LabelPrefix": lambda s: _dns1035_label(_mask_trailing_dash(s)),
    "labelValue": _label_value,
    "uri": _uri,
    "uuid": lambda s: [] if _UUID.match(s) else ["does not match the UUID format"],
    "byte": lambda s: [] if _BASE64.match(s) else ["invalid base64"],
    "date": lambda s: [] if is_date(s) else ["invalid date"],
    "datetime": lambda s: [] if is_datetime(s) else ["invalid datetime"],
}
NAMES = tuple(VALIDATORS)


def constant(name: str) -> Callable[[], Dict[str, Any]]:
    def make() -> Dict[str, Any]:
        from .library import TAG

        return {TAG: FORMAT_TAG, "name": name}
    return make


def named(name: str) -> Dict[str, Any]:
    """format.named: {"v": format} for a known name, {} (optional.none()) otherwise."""
    return {OPTIONAL_KEY: constant(name)()} if name in VALIDATORS else {}


def validate(value: Any, text: str) -> Dict[str, List[str]]:
    """<format>.validate(text): {} when valid, {"v": errors} otherwise."""
    from .library import _kind

    problems = VALIDATORS[_kind(value, FORMAT_TAG)["name"]](text)
    return {OPTIONAL_KEY: list(problems)} if problems else {}


def declarations(cel: Any) -> List[Any]:
    """The FunctionDecls of the format library for the engine module `cel`."""
    t = cel.Type
    opaque = t.Map(t.STRING, t.DYN)
    found = [cel.FunctionDecl(f"format.{name}", [cel.Overload(f"format_{name}", opaque, [], is_member=False,
                                                              impl=constant(name))]) for name in NAMES]
    found.append(cel.FunctionDecl("format.named", [cel.Overload("format_named", t.Map(t.STRING, opaque), [t.STRING],
                                                                is_member=False, impl=named)]))
    found.append(cel.FunctionDecl("validate", [cel.Overload("format_validate", t.Map(t.STRING, t.List(t.STRING)),
                                                            [opaque, t.STRING], is_member=True, impl=validate)]))
    return found


# -- the rewrite ------------------------------------------------------------------------------------

_CALL = re.compile(r"(\.\s*validate|\bformat\s*\.\s*named)\s*\(")
_STRING_START = re.compile(r"""[rRbB]{0,2}('''|\"\"\"|'|")""")


def optional_calls(source: str) -> str:
    """`source` with `[?"v"]` after every `.validate(...)` and `format.named(...)` call outside
    string literals. Unchanged when it has neither (the common case costs one search)."""
    if "validate" not in source and "named" not in source:
        return source
    out: List[str] = []
    position = 0
    ends: List[int] = []  # for each open call, the nesting depth its closing paren returns to
    depth = 0
    length = len(source)
    while position < length:
        char = source[position]
        string = _STRING_START.match(source, position) if char in "'\"rRbB" else None
        if string is not None and (char in "'\"" or _starts_token(source, position)):
            prefix = string.group(0)[:-len(string.group(1))]
            end = _string_end(source, string.end(), string.group(1), "r" in prefix.lower())
            out.append(source[position:end])
            position = end
            continue
        call = _CALL.match(source, position) if char in ".f" else None
        if call is not None and (char == "." or _starts_token(source, position)):
            out.append(call.group(0))
            depth += 1
            ends.append(depth)
            position = call.end()
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            if ends and ends[-1] == depth:
                ends.pop()
                out.append(")" + f'[?"{OPTIONAL_KEY}"]')
                depth -= 1
                position += 1
                continue
            depth -= 1
        out.append(char)
        position += 1
    return "".join(out)


def _starts_token(source: str, position: int) -> bool:
    return position == 0 or not (source[position - 1].isalnum() or source[position - 1] in "_.")


def _string_end(source: str, start: int, quote: str, raw: bool) -> int:
    position = start
    while position < len(source):
        if not raw and source[position] == "\\":
            position += 2
            continue
        if source.startswith(quote, position):
            return position + len(quote)
        if len(quote) == 1 and source[position] == "\n":
            break
        position += 1
    return len(source)

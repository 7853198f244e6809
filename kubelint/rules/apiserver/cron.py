"""CronJob schedules and time zones as the API server parses them.

`schedule_error` follows github.com/robfig/cron/v3 (parser.go: `ParseStandard`, the standard
parser of five fields plus descriptors: normalizeFields, getField, getRange, parseIntOrName,
mustParseInt, parseDescriptor), which pkg/apis/batch/validation/validation.go
(validateScheduleFormat) calls; the messages are cron's own. `time_zone_error` follows
validateTimeZone there, whose last step is Go's time.LoadLocation.
"""

from __future__ import annotations

import functools
from typing import Dict, List, Optional, Tuple

from ...lazy_regex import lazy_compile
from ...named_tuple import NamedTuple


class _Bounds(NamedTuple):
    low: int
    high: int
    names: Dict[str, int]


_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_DAYS = {name: number for number, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
# minute, hour, day of month, month, day of week (the standard parser has no seconds field)
_FIELDS = (_Bounds(0, 59, {}), _Bounds(0, 23, {}), _Bounds(1, 31, {}), _Bounds(1, 12, _MONTHS), _Bounds(0, 6, _DAYS))
_DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_ATOI = lazy_compile(r"[+-]?[0-9]+\Z")
_INT64_MAX = 2 ** 63 - 1


class CronError(ValueError):
    pass


def schedule_error(schedule: str) -> Optional[str]:
    """cron.ParseStandard's error for `schedule`, or None when it parses."""
    try:
        _parse(schedule)
    except CronError as error:
        return str(error)
    return None


def _parse(spec: str) -> None:
    if not spec:
        raise CronError("empty spec string")
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space, equals = spec.find(" "), spec.find("=")
        location = spec[equals + 1:space] if space >= 0 else spec[equals + 1:]
        problem = load_location_error(location)
        if problem or space < 0:
            raise CronError(f"provided bad location {location}: {problem or 'unknown time zone ' + location}")
        spec = spec[space:].strip()
    if spec.startswith("@"):
        _descriptor(spec)
        return
    fields = _go_fields(spec)
    if len(fields) != len(_FIELDS):
        raise CronError(f"expected exactly {len(_FIELDS)} fields, found {len(fields)}: [{' '.join(fields)}]")
    for field, bounds in zip(fields, _FIELDS):
        for expression in (part for part in field.split(",") if part):  # strings.FieldsFunc drops empties
            _range(expression, bounds)


def _go_fields(spec: str) -> List[str]:
    """strings.Fields: split around runs of Unicode white space."""
    return spec.split()


def _descriptor(spec: str) -> None:
    if spec in _DESCRIPTORS:
        return
    if spec.startswith("@every "):
        problem = go_duration_error(spec[len("@every "):])
        if problem:
            raise CronError(f"failed to parse duration {spec}: {problem}")
        return
    raise CronError(f"unrecognized descriptor: {spec}")


def _range(expression: str, bounds: _Bounds) -> None:
    range_and_step = expression.split("/")
    low_and_high = range_and_step[0].split("-")
    if low_and_high[0] in ("*", "?"):
        start, end = bounds.low, bounds.high
    else:
        start = _int_or_name(low_and_high[0], bounds.names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _int_or_name(low_and_high[1], bounds.names)
        else:
            raise CronError(f"too many hyphens: {expression}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _must_parse_int(range_and_step[1])
        if len(low_and_high) == 1:
            end = bounds.high  # "N/step" means "N-max/step"
    else:
        raise CronError(f"too many slashes: {expression}")
    if start < bounds.low:
        raise CronError(f"beginning of range ({start}) below minimum ({bounds.low}): {expression}")
    if end > bounds.high:
        raise CronError(f"end of range ({end}) above maximum ({bounds.high}): {expression}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expression}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expression}")


def _int_or_name(expression: str, names: Dict[str, int]) -> int:
    if names:
        named = names.get(expression.lower())
        if named is not None:
            return named
    return _must_parse_int(expression)


def _must_parse_int(expression: str) -> int:
    if not _ATOI.match(expression):
        raise CronError(f'failed to parse int from {expression}: strconv.Atoi: parsing {_go_quote(expression)}: '
                        "invalid syntax")
    number = int(expression)
    if not -_INT64_MAX - 1 <= number <= _INT64_MAX:
        raise CronError(f'failed to parse int from {expression}: strconv.Atoi: parsing {_go_quote(expression)}: '
                        "value out of range")
    if number < 0:
        raise CronError(f"negative number ({number}) not allowed: {expression}")
    return number


def _go_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- Go's time.ParseDuration ------------------------------------------------------------------

_DURATION_UNITS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 10 ** 9,
                   "m": 60 * 10 ** 9, "h": 3600 * 10 ** 9}
_DURATION_PART = lazy_compile(r"([0-9]*(?:\.[0-9]*)?)([^0-9.]*)")


def go_duration_error(text: str) -> Optional[str]:
    """time.ParseDuration's error for `text` ("1h30m", "90s", "1.5h"), or None."""
    original = text
    invalid = f"time: invalid duration {_go_quote(original)}"
    if text[:1] in ("+", "-"):
        text = text[1:]
    if text == "0":
        return None
    if not text:
        return invalid
    total = 0.0
    while text:
        match = _DURATION_PART.match(text)
        number, unit = match.group(1), match.group(2)
        if number in ("", "."):
            return invalid
        if not unit:
            return f"time: missing unit in duration {_go_quote(original)}"
        if unit not in _DURATION_UNITS:
            return f"time: unknown unit {_go_quote(unit)} in duration {_go_quote(original)}"
        total += float(number) * _DURATION_UNITS[unit]
        text = text[match.end():]
    if total > _INT64_MAX:
        return invalid
    return None


# --- time zones ---------------------------------------------------------------------------------

def load_location_error(name: str) -> Optional[str]:
    """time.LoadLocation's error for `name`, or None when the zone exists. None as well when this
    machine has no time zone database at all (nothing to judge by)."""
    if name in ("", "UTC", "Local"):
        return None
    known = _zone_exists(name)
    return None if known is None or known else f"unknown time zone {name}"


@functools.lru_cache(maxsize=256)
def _zone_exists(name: str) -> Optional[bool]:
    import zoneinfo  # lazily: only CronJobs with a timeZone need it

    if not _have_database():
        return None
    if name.startswith("/") or "\\" in name or ".." in name.split("/"):
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError, UnicodeError):
        return False
    return True


@functools.lru_cache(maxsize=1)
def _have_database() -> bool:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo("America/New_York")
    except Exception:  # no system database and no tzdata package
        return False
    return True


_TIME_ZONE_PART = lazy_compile(r"[A-Za-z.\-_0-9+]{1,14}\Z")


def time_zone_problems(zone: str) -> List[Tuple[str, str]]:
    """validateTimeZone: (what, detail) pairs for a written CronJob spec.timeZone."""
    if zone == "":
        return [("invalid", "timeZone must be nil or non-empty string")]
    for part in zone.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TIME_ZONE_PART.match(part):
            return [("invalid", f"unknown time zone {zone}")]
    problems = []
    if zone.lower() == "local":
        problems.append(("invalid", "timeZone must be an explicit time zone as defined in "
                                    "https://www.iana.org/time-zones"))
    problem = load_location_error(zone)
    if problem:
        problems.append(("invalid", problem))
    return problems

"""The CronJob schedule parser (a port of robfig/cron/v3's standard parser, which
pkg/apis/batch/validation calls) and time zone checks, with cases from
kubernetes/kubernetes pkg/apis/batch/validation/validation_test.go (TestValidateCronJob,
TestValidateCronJobSpec) and robfig/cron parser_test.go (TestParseScheduleErrors,
TestStandardSpecSchedule)."""

from __future__ import annotations

import pytest

from kubelint.rules.apiserver.batch import indexes_total
from kubelint.rules.apiserver.cron import go_duration_error, schedule_error, time_zone_problems


@pytest.mark.parametrize("schedule", [
    "* * * * ?", "@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually",
    "@every 5m", "@every 1h30m", "@every 1.5h", "0 0 * * *", "*/15 * * * *", "5/15 * * * *",
    "0 9-17 * * MON-FRI", "0 0 1,15 * *", "0 0 1 jan,JUL *", "  0  0  *  *  * ", "0 0 1,,15 * *"])
def test_valid_schedules(schedule):
    assert schedule_error(schedule) is None


@pytest.mark.parametrize("schedule, message", [
    ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
    ("* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"),
    ("60 * * * *", "end of range (60) above maximum (59): 60"),
    ("* 24 * * *", "end of range (24) above maximum (23): 24"),
    ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
    ("* * * 13 *", "end of range (13) above maximum (12): 13"),
    ("* * * * 7", "end of range (7) above maximum (6): 7"),
    ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
    ("*/0 * * * *", "step of range should be a positive number: */0"),
    ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
    ("*/2/3 * * * *", "too many slashes: */2/3"),
    ("L * * * *", 'failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax'),
    ("99999999999999999999 * * * *",
     'failed to parse int from 99999999999999999999: strconv.Atoi: parsing "99999999999999999999": '
     "value out of range"),
    ("* * * * */-1", "negative number (-1) not allowed: -1"),
    ("@every", "unrecognized descriptor: @every"),
    ("@hourly ", "unrecognized descriptor: @hourly "),
    ("@every 1d", 'failed to parse duration @every 1d: time: unknown unit "d" in duration "1d"'),
    ("@every 10", 'failed to parse duration @every 10: time: missing unit in duration "10"'),
])
def test_schedule_errors_are_cron_s(schedule, message):
    assert schedule_error(schedule) == message


def test_go_durations():
    assert go_duration_error("0") is None
    assert go_duration_error("-1.5h") is None
    assert go_duration_error(".5s") is None
    assert go_duration_error("") == 'time: invalid duration ""'
    assert go_duration_error("h") == 'time: invalid duration "h"'


def test_a_huge_schedule_is_judged_quickly():
    assert schedule_error("1," * 200_000 + "1 * * * *") is None
    assert schedule_error("x" * 1_000_000).startswith("expected exactly 5 fields, found 1")


@pytest.mark.parametrize("zone", ["America/New_York", "UTC", "Etc/GMT+5", "America/Argentina/Buenos_Aires"])
def test_known_time_zones(zone):
    assert time_zone_problems(zone) == []


@pytest.mark.parametrize("zone, details", [
    ("", ["timeZone must be nil or non-empty string"]),
    ("Local", ["timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"]),
    (" Continent/Zone", ["unknown time zone  Continent/Zone"]),
    ("Continent/Zone", ["unknown time zone Continent/Zone"]),
    ("../etc/passwd", ["unknown time zone ../etc/passwd"]),
    ("America/New_York_City_Of_Dreams", ["unknown time zone America/New_York_City_Of_Dreams"]),
])
def test_bad_time_zones(zone, details):
    assert [detail for _, detail in time_zone_problems(zone)] == details


def test_success_policy_indexes():
    # validateIndexesFormat, after TestValidateJob's successPolicy cases
    assert indexes_total("0-2,5", 10) == 4
    assert indexes_total("", 10) == 0
    assert indexes_total("3-1", 10) == "non-increasing order, previous: 3, current: 1"
    assert indexes_total("1,1", 10) == "non-increasing order, previous: 1, current: 1"
    assert indexes_total("10", 10) == 'too large index: "10"'
    assert indexes_total("a", 10) == 'cannot convert string to integer for index: "a"'

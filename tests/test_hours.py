"""Business-hours arithmetic (pure: no Matrix)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from appservice.hours import describe, is_open, next_opening, parse_ranges, zone
from appservice.services.errors import Refusal

TOKYO = ZoneInfo("Asia/Tokyo")
HOURS = {"mon": [["09:00", "12:00"], ["13:00", "17:00"]], "sat": [["10:00", "24:00"]]}


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=TOKYO).timestamp() * 1000)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-11-23 08:59", False),  # a Monday
        ("2026-11-23 09:00", True),
        ("2026-11-23 12:00", False),  # lunch
        ("2026-11-23 16:59", True),
        ("2026-11-24 10:00", False),  # Tuesday: no hours
        ("2026-11-28 23:59", True),  # Saturday until midnight
    ],
)
def test_is_open(moment: str, expected: bool) -> None:
    assert is_open(HOURS, [], TOKYO, ms(moment)) is expected


def test_closed_dates_and_next_opening() -> None:
    assert not is_open(HOURS, ["2026-11-23"], TOKYO, ms("2026-11-23 10:00"))
    assert next_opening(HOURS, [], TOKYO, ms("2026-11-23 12:30")) == ms("2026-11-23 13:00")
    assert next_opening(HOURS, [], TOKYO, ms("2026-11-23 17:00")) == ms("2026-11-28 10:00")
    assert next_opening(HOURS, ["2026-11-28"], TOKYO, ms("2026-11-23 17:00")) == ms(
        "2026-11-30 09:00"
    )
    assert next_opening({}, [], TOKYO, ms("2026-11-23 17:00")) is None
    assert next_opening(None, [], TOKYO, 5) == 5
    assert is_open(None, [], TOKYO, 0)


def test_parse_ranges() -> None:
    assert parse_ranges("13:00-17:00, 9:00-12:00") == [["09:00", "12:00"], ["13:00", "17:00"]]
    assert parse_ranges("closed") == []
    assert parse_ranges("22:00-24:00") == [["22:00", "24:00"]]
    assert describe(HOURS)[0] == "mon: 09:00-12:00, 13:00-17:00"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("25:00-26:00", "hours.bad_time"),
        ("09:60-10:00", "hours.bad_time"),
        ("17:00-09:00", "hours.end_before_start"),
        ("09:00-09:00", "hours.end_before_start"),
        ("nine to five", "hours.bad_range"),
        ("09:00-12:00,11:00-13:00", "hours.overlap"),
    ],
)
def test_bad_ranges(text: str, key: str) -> None:
    with pytest.raises(Refusal) as refused:
        parse_ranges(text)
    assert refused.value.key == key


@pytest.mark.parametrize(
    "name", ["Mars/Olympus", "x" * 256, "Asia", "Asia/", "../etc/passwd", "Asia/Tokyo\0", ""]
)
def test_unknown_zone(name: str) -> None:
    with pytest.raises(Refusal) as refused:
        zone(name)
    assert refused.value.key == "hours.bad_zone"
    assert len(str(refused.value.params["value"])) <= 41

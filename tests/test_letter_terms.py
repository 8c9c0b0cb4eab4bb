"""The pure parts of letter counseling: a package type's terms, days off as typed, the
numbering of a reply, and the length of a letter."""

from __future__ import annotations

import pytest

from appservice.db.letters import Package
from appservice.services import letters
from appservice.services.errors import Refusal


def _package(limit: int = 3000) -> Package:
    return Package(
        1, 1, 1, 1, "Aoi", None, "Standard", 4, 2, limit, 12000, "active", 0, 0,
        None, None, None, None, None, None,
    )  # fmt: skip


def test_terms_take_defaults_and_keep_what_is_not_changed() -> None:
    assert letters.type_terms({}) == {"replies": 4, "days": 2, "chars": 3000, "price": 0}
    base = {"replies": 6, "days": 3, "chars": 2000, "price": 9000}
    assert letters.type_terms({"price": "10000"}, base) == {**base, "price": 10000}


@pytest.mark.parametrize(
    ("options", "key", "value"),
    [
        ({"replies": "0"}, "bad.range", 0),
        ({"price": "-1"}, "bad.range", -1),
        ({"days": "31"}, "bad.range", 31),
        ({"chars": "many"}, "bad.number", "many"),
        ({"colour": "red"}, "letters.unknown_option", None),
    ],
)
def test_bad_terms_are_refused(options: dict[str, str], key: str, value: object) -> None:
    with pytest.raises(Refusal) as refused:
        letters.type_terms(options)
    assert refused.value.key == key
    if value is not None:
        assert refused.value.params["value"] == value


def test_weekly_days_off_and_periods() -> None:
    assert letters.weekly("sat,sun") == [5, 6]
    assert letters.weekly("Wed") == [2]
    assert letters.weekly("none") == []
    with pytest.raises(Refusal):
        letters.weekly("mon,tue,wed,thu,fri,sat,sun")
    with pytest.raises(Refusal):
        letters.weekly("someday")
    assert letters.date_span("2026-12-30..2027-01-02") == [
        "2026-12-30",
        "2026-12-31",
        "2027-01-01",
        "2027-01-02",
    ]
    assert letters.date_span("2026-12-24") == ["2026-12-24"]
    with pytest.raises(Refusal):
        letters.date_span("2027-01-02..2026-12-30")


def test_replies_are_numbered_in_body_html_and_edits() -> None:
    plain = letters._numbered("en", {"msgtype": "m.text", "body": "Hello"}, 2, 4)
    assert plain["body"] == "[Reply 2/4]\nHello"
    final = letters._numbered(
        "ja", {"msgtype": "m.text", "body": "b", "formatted_body": "<b>b</b>"}, 4, 4
    )
    assert final["body"] == "【返信 4/4・最終】\nb"
    assert final["formatted_body"] == "【返信 4/4・最終】<br><b>b</b>"
    edit = letters._numbered(
        "en",
        {"msgtype": "m.text", "body": "* x", "m.new_content": {"msgtype": "m.text", "body": "x"}},
        1,
        4,
    )
    assert edit["m.new_content"]["body"] == "[Reply 1/4]\nx"
    assert edit["body"] == "* [Reply 1/4]\nx"


def test_length_counts_characters_not_bytes() -> None:
    package = _package(limit=3)
    assert letters.too_long(package, {"msgtype": "m.text", "body": "あいう"}) is None
    assert letters.too_long(package, {"msgtype": "m.text", "body": "あいうえ"}) == 4
    edit = {
        "msgtype": "m.text",
        "body": "* x",
        "m.new_content": {"msgtype": "m.text", "body": "abcd"},
    }
    assert letters.too_long(package, edit) == 4
    assert letters.too_long(package, {"msgtype": "m.image", "body": "photo-of-a-cat.png"}) is None

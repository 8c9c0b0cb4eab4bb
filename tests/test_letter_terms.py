"""The pure parts of letter counseling: a package type's terms, days off as typed, the
numbering of a reply, and the length of a letter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from mautrix.types import EventID, UserID
from mautrix.util.async_db import Database

from appservice import db
from appservice.db import Package, PackageType, Tenant
from appservice.db.package import ACTIVE, DONE, ENDED, PENDING
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


# The package rows, on a database of their own (SQLite, every migration)


@pytest.fixture
async def packages(tmp_path: Path) -> AsyncIterator[tuple[int, int]]:
    database = Database.create(f"sqlite:{tmp_path / 'letters.db'}", upgrade_table=db.upgrade_table)
    await database.start()
    db.init(database)
    try:
        await database.execute(
            "INSERT INTO tenant (slug, name, preset, language, created_at) "
            "VALUES ('t', 'T', 'counseling', 'en', 0)"
        )
        tenant = int(await database.fetchval("SELECT id FROM tenant"))
        await database.execute(
            "INSERT INTO client (tenant_id, user_id, nickname, created_at) "
            "VALUES ($1, '@c:x', 'Aoi', 0)",
            tenant,
        )
        yield tenant, int(await database.fetchval("SELECT id FROM client"))
    finally:
        await database.stop()


async def test_a_reply_keeps_its_number_and_the_package_its_count(
    packages: tuple[int, int],
) -> None:
    tenant, client = packages
    kind = await PackageType.put(tenant, "Two", 2, 2, 3000, 5000, 0)
    package = await Package.grant(tenant, client, "Aoi", UserID("@op:x"), kind, 0)
    assert await package.number_reply(EventID("$a"), 1) == 1
    assert await package.number_reply(EventID("$a"), 2) == 1  # a retry of the same reply
    assert await package.number_reply(EventID("$b"), 3) == 2
    assert await package.number_reply(EventID("$c"), 4) is None  # both replies are used
    assert await Package.reply_number(EventID("$b")) == (2, 2)
    stored = await Package.get(package.id)
    assert stored is not None and stored.sent == 2


async def test_the_continue_answer_is_taken_once(packages: tuple[int, int]) -> None:
    tenant, client = packages
    kind = await PackageType.put(tenant, "Two", 2, 2, 3000, 5000, 0)
    package = await Package.grant(tenant, client, "Aoi", UserID("@op:x"), kind, 0)
    await package.change_status(ACTIVE, DONE, 0)
    new = await package.answer(EventID("$yes"), True, "Aoi", 10)
    assert new is not None and new is not package
    assert (new.number, new.status, new.previous_id, new.price) == (2, PENDING, package.id, 5000)
    assert await package.answer(EventID("$again"), False, "Aoi", 11) is None
    assert await Package.answered_by(EventID("$again")) is None
    found = await Package.answered_by(EventID("$yes"))
    assert found is not None
    old, made = found
    assert (old.id, old.status) == (package.id, ENDED)
    assert made is not None and made.id == new.id
    assert await Package.current_for(client) == made


def test_the_reminder_comes_at_the_start_of_the_last_day_or_hours_before() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    due = int(datetime(2026, 12, 9, tzinfo=tokyo).timestamp() * 1000)  # end of 12-08
    tenant = Tenant(0, "x", "x", "counseling", "en", None, None, None, None, None, None, 0)
    assert letters.reminder_for(tenant, due) == due - 15 * 3_600_000  # 09:00 on 12-08
    tenant.letter_reminder = letters.reminder_setting("6H")
    assert letters.reminder_for(tenant, due) == due - 6 * 3_600_000
    for bad in ("0h", "73h", "soon", "-1h"):
        with pytest.raises(Refusal):
            letters.reminder_setting(bad)

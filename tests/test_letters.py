"""Letter counseling end to end: a package of numbered replies, the continue question and the
payment, the length limit, due times in business days, the reminder and the overdue alert."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from .conftest import OpenUser, Stack
from .matrix import User, count, reply_to, settle
from .tenants import command, refused
from .test_sessions import Clinic, _clinic, _contains, _starts

TOKYO = ZoneInfo("Asia/Tokyo")


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=TOKYO).timestamp() * 1000)


def _body(room_id: str, body: str):
    return lambda r, e: r == room_id and e.get("content", {}).get("body") == body


async def _letter_desk(
    stack: Stack, users: OpenUser, terms: str = ""
) -> tuple[Clinic, User, User, str]:
    """A tenant with one counselor (Sato) and a client (Aoi) holding a "Standard" package."""
    clinic = await _clinic(stack, users, operators=1)
    (operator,) = clinic.operators
    saved = await clinic.tenant.command(f"!package-type add Standard price=12000 {terms}".strip())
    assert saved.startswith("Package type saved."), saved
    client, room = await clinic.client(stack, users, "Aoi")
    granted = await clinic.tenant.command(f"!package-grant Aoi Standard {operator.user_id}")
    assert granted.startswith("Package P1 granted."), granted
    await client.wait_for(_starts(room, "Your letter counseling package (P1) is ready"))
    return clinic, operator, client, room


async def _first_letter(clinic: Clinic, operator: User, client: User, room: str, text: str) -> str:
    """The client's first letter opens the case, given straight to the counselor."""
    await client.send_text(room, text)
    ignore = (clinic.tenant.space_room, *clinic.private.values())
    case_room = await operator.wait_for_invite(ignore=ignore, timeout=30)
    await operator.join(case_room)
    await operator.wait_for(_body(case_room, text))
    return case_room


async def _reply(operator: User, case_room: str, text: str) -> str:
    """The counselor's reply; the bot's answer to it in the case room."""
    event_id = await operator.send_text(case_room, text)
    answer = await operator.wait_for(reply_to(event_id, case_room), timeout=30)
    return str(answer["content"]["body"])


async def test_a_four_reply_package_continues_after_payment(stack: Stack, users: OpenUser) -> None:
    clinic, operator, client, room = await _letter_desk(stack, users)
    admin = clinic.tenant
    case_room = await _first_letter(clinic, operator, client, room, "Dear counselor, letter one")
    await operator.wait_for(_starts(case_room, "A letter arrived (P1). [Reply 1/4] is due by "))
    for n in (1, 2, 3, 4):
        if n > 1:
            await client.send_text(room, f"letter {n}")
            await operator.wait_for(_body(case_room, f"letter {n}"))
        mark = f"[Reply {n}/4 · final]" if n == 4 else f"[Reply {n}/4]"
        answer = await _reply(operator, case_room, f"answer {n}")
        if n < 4:
            assert answer == f"Sent as {mark} (P1).", answer
        else:
            assert answer == (
                f"Sent as {mark}, the last reply of package P1. "
                "The client was asked whether to continue."
            ), answer
        await client.wait_for(_body(room, f"{mark}\nanswer {n}"))
    # The continue question: a poll whose text lets any client answer with a number.
    poll = await client.wait_for(
        lambda r, e: r == room and "org.matrix.msc3381.poll.start" in e.get("content", {})
    )
    answers = poll["content"]["org.matrix.msc3381.poll.start"]["answers"]
    assert [a["org.matrix.msc1767.text"] for a in answers] == ["Continue", "Finish here"]
    assert "1. Continue" in poll["content"]["body"]
    # A fifth reply is refused and reaches nobody.
    refused = await _reply(operator, case_room, "answer 5")
    assert refused.startswith("Not sent: every reply of package P1 has been sent."), refused
    # Continuing makes a package that waits for the payment.
    await client.send_text(room, "1")
    await client.wait_for(_starts(room, "Your request to continue is noted (P2)."))
    await admin.admin.wait_for(
        _starts(admin.admin_room, "Aoi asked to continue letter counseling after P1")
    )
    await operator.wait_for(_starts(case_room, "The client wants to continue."))
    refused = await _reply(operator, case_room, "answer while unpaid")
    assert refused == (
        "Not sent: the next package P2 is waiting for payment. "
        "You can reply once the office has confirmed it."
    ), refused
    # Only a package waiting for payment can be confirmed.
    assert await admin.command("!package-paid P1") == (
        "Package P1 is not waiting for payment (it is ended); nothing changed."
    )
    assert await admin.command("!package-paid P9") == "There is no package P9."
    assert (
        await admin.command("!package-paid P2") == "Payment of package P2 confirmed; it runs now."
    )
    assert await admin.command("!package-paid P2") == (
        "Package P2 is not waiting for payment (it is active); nothing changed."
    )
    await operator.wait_for(_starts(case_room, "Payment of package P2 is confirmed"))
    await client.wait_for(_starts(room, "Your payment is confirmed"))
    assert await _reply(operator, case_room, "a new beginning") == "Sent as [Reply 1/4] (P2)."
    await client.wait_for(_body(room, "[Reply 1/4]\na new beginning"))
    # Nothing refused ever reached the client.
    await settle(client)
    for text in ("answer 5", "answer while unpaid"):
        assert (
            count(client, lambda r, e, x=text: r == room and x in str(e["content"].get("body")))
            == 0
        )
    listing = await admin.command("!packages")
    assert "P1 Aoi · Standard · replies 4/4 · ended" in listing, listing
    assert "P2 Aoi · Standard · replies 1/4 · active" in listing, listing


async def test_letters_are_limited_in_characters_not_bytes(stack: Stack, users: OpenUser) -> None:
    clinic, operator, client, room = await _letter_desk(stack, users)
    case_room = await _first_letter(clinic, operator, client, room, "はじめまして")
    over = "あ" * 3001  # 9003 bytes in UTF-8, 3001 characters
    event_id = await client.send_text(room, over)
    refusal = await client.wait_for(reply_to(event_id, room))
    assert refusal["content"]["body"] == (
        "This letter has 3001 characters, over the limit of 3000, so it was not sent. "
        "Please shorten it and send it again."
    )
    exact = "い" * 3000
    await client.send_text(room, exact)
    await operator.wait_for(_body(case_room, exact))
    assert count(operator, lambda r, e: r == case_room and e["content"].get("body") == over) == 0
    # The counselor's replies have the same limit, and a refused one is not counted.
    answer = await _reply(operator, case_room, "う" * 3001)
    assert answer == "Not sent: this reply has 3001 characters; the limit is 3000.", answer
    assert await _reply(operator, case_room, "え" * 3000) == "Sent as [Reply 1/4] (P1)."
    await client.wait_for(_body(room, "[Reply 1/4]\n" + "え" * 3000))


# Due times, seen in the case room as the client writes at each moment (Asia/Tokyo; the
# counselor is off on Saturdays and Sundays, and on 2026-12-10 too; the tenant is closed from
# 2026-12-29 to 2027-01-03). The same cases are worked out by hand in test_business_days.py.
DUE_TABLE = [
    ("a Friday evening", "2026-12-04T19:00", "2026-12-08 (Tue) 23:59"),
    ("before the counselor's day off", "2026-12-09T10:00", "2026-12-14 (Mon) 23:59"),
    ("into the year-end closing", "2026-12-28T15:00", "2027-01-05 (Tue) 23:59"),
    ("before Coming of Age Day", "2027-01-08T18:30", "2027-01-13 (Wed) 23:59"),
    ("into Golden Week", "2027-04-28T09:00", "2027-05-06 (Thu) 23:59"),
]


async def test_due_times_reminder_and_one_overdue_alert(stack: Stack, users: OpenUser) -> None:
    clinic, operator, client, room = await _letter_desk(stack, users, "replies=10")
    admin = clinic.tenant
    closed = await admin.command("!closed-date add 2026-12-29..2027-01-03")
    year_end = "2026-12-29, 2026-12-30, 2026-12-31, 2027-01-01, 2027-01-02, 2027-01-03"
    assert f"Closed on: {year_end}" in closed, closed
    bad_range = await admin.command("!closed-date add 2027-01-03..2026-12-29")
    assert bad_range.startswith("The period 2027-01-03..2026-12-29 cannot be used"), bad_range
    days_off = await command(
        operator, clinic.private[operator.user_id], "!days-off add 2026-12-10"
    )
    assert "Own days off: 2026-12-10" in days_off, days_off
    bad = await command(operator, clinic.private[operator.user_id], "!days-off weekly sat,sun,fun")
    assert bad.startswith("“fun” is not a weekday"), bad
    try:
        case_room = ""
        for n, (why, received, due) in enumerate(DUE_TABLE, start=1):
            await clinic.move_to(_ms(received))
            if not case_room:
                case_room = await _first_letter(clinic, operator, client, room, f"letter: {why}")
            else:
                await client.send_text(room, f"letter: {why}")
            notice = f"A letter arrived (P1). [Reply {n}/10] is due by {due}."
            await operator.wait_for(_body(case_room, notice), timeout=30)
            if n == 1:
                await _reminder_and_overdue(clinic, operator, case_room)
            assert await _reply(operator, case_room, f"answer: {why}") == (
                f"Sent as [Reply {n}/10] (P1)."
            )
        # Answered letters raise no alert, however far the clock goes.
        await clinic.move_to(_ms("2027-06-01T12:00"))
        await settle(admin.admin, 1.5)
        overdue = _contains(admin.admin_room, "Overdue:")
        assert count(admin.admin, overdue) == 1
    finally:
        await clinic.move_to(int(time.time() * 1000))


async def _reminder_and_overdue(clinic: Clinic, operator: User, case_room: str) -> None:
    """The first row's letter: the reminder at 09:00 of its last day, then, past the due time,
    one alert to the admins however often the timers look again."""
    admin = clinic.tenant
    await clinic.move_to(_ms("2026-12-08T09:00:05"))
    await operator.wait_for(
        _body(case_room, "Reminder: [Reply 1/10] to Aoi is due by 2026-12-08 (Tue) 23:59."),
        timeout=45,
    )
    await clinic.move_to(_ms("2026-12-09T00:00:05"))
    alert = await admin.admin.wait_for(_starts(admin.admin_room, "Overdue:"), timeout=45)
    assert alert["content"]["body"] == (
        "Overdue: [Reply 1/10] of package P1 (Aoi, counselor "
        f"{operator.user_id}) was due by 2026-12-08 (Tue) 23:59 and has not been sent."
    )
    await operator.wait_for(_starts(case_room, "Overdue: [Reply 1/10] to Aoi"))
    await clinic.move_to(_ms("2026-12-09T06:00"))
    await settle(admin.admin, 1.5)
    assert count(admin.admin, _starts(admin.admin_room, "Overdue:")) == 1


async def test_bad_package_input_changes_nothing(stack: Stack, users: OpenUser) -> None:
    clinic = await _clinic(stack, users, operators=1)
    admin = clinic.tenant
    await clinic.client(stack, users, "Aoi")
    cases: list[tuple[str, str]] = [
        (
            "!package-type add Zero replies=0",
            "The number of replies must be between 1 and 100 (got 0).",
        ),
        (
            "!package-type add Minus price=-1",
            "The price must be between 0 and 100000000 (got -1).",
        ),
        (
            "!package-type add Odd colour=red",
            "There is no option “colour” (options: replies, days, chars, price).",
        ),
        ("!package-grant Aoi Premium", "There is no package type “Premium” (known: -)."),
        ("!package-paid P1", "There is no package P1."),
        ("!package-paid banana", "The package must be a number, not “banana”."),
        (
            "!letter-settings country=XX",
            "“XX” is not a country code with known public holidays "
            "(such as JP; none for no holidays).",
        ),
    ]
    for text, expected in cases:
        assert await admin.command(text) == expected, text
    assert await admin.command("!package-types") == "No package types yet (!package-type add)."
    assert await admin.command("!packages") == "No packages."
    # A grant while one runs is refused; so is confirming a package that is not pending.
    await admin.command("!package-type add Standard")
    assert (await admin.command("!package-grant Aoi Standard")).startswith("Package P1 granted.")
    assert await admin.command("!package-grant Aoi Standard") == (
        "This client still has package P1."
    )
    assert await admin.command("!package-paid P1") == (
        "Package P1 is not waiting for payment (it is active); nothing changed."
    )


async def test_the_api_manages_types_packages_and_days_off(stack: Stack, users: OpenUser) -> None:
    clinic = await _clinic(stack, users, operators=1)
    (operator,) = clinic.operators
    api, base = clinic.api, f"/tenants/{clinic.tenant.slug}"
    client, room = await clinic.client(stack, users, "Haru")
    # Bad terms change nothing.
    for bad in ({"name": "Zero", "replies": 0}, {"name": "Minus", "price": -5}):
        await refused(api, "POST", f"{base}/package-types", bad, 400, "M_INVALID_PARAM")
    await refused(
        api, "POST", f"{base}/package-types", {"name": "X", "colour": 1}, 400, "M_INVALID_PARAM"
    )
    assert await api.ok("GET", f"{base}/package-types") == {"package_types": []}
    made = await api.ok(
        "POST", f"{base}/package-types", {"name": "Short", "replies": 2, "price": 6000}
    )
    assert made == {
        "name": "Short",
        "replies": 2,
        "deadline_days": 2,
        "char_limit": 3000,
        "price": 6000,
    }
    await refused(
        api, "POST", f"{base}/packages", {"client": "Haru", "type": "Long"}, 404, "M_NOT_FOUND"
    )
    # The client chooses among the counselors who take letters.
    await command(operator, clinic.tenant.staff_room, "!nominations on")
    granted = await api.ok("POST", f"{base}/packages", {"client": "Haru", "type": "Short"})
    assert (granted["label"], granted["status"], granted["operator"]) == ("P1", "active", None)
    await client.wait_for(_contains(room, "First choose your counselor"))
    assert await command(client, room, "!nominate 1") == (
        "No counselor takes letters at the moment; please ask the office."
    )
    changed = await api.ok(
        "PATCH",
        f"{base}/operators/{operator.user_id}/letters",
        {"accepts": True, "weekly_off": ["sun"], "add_days_off": ["2026-12-24..2026-12-25"]},
    )
    assert changed == {
        "operator": operator.user_id,
        "accepts": True,
        "weekly_off": ["sun"],
        "days_off": ["2026-12-24", "2026-12-25"],
    }
    await refused(
        api,
        "PATCH",
        f"{base}/operators/{operator.user_id}/letters",
        {"weekly_off": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]},
        400,
        "M_INVALID_PARAM",
    )
    listing = await command(client, room, "!operators")
    assert listing.splitlines()[1].startswith("1. Sato"), listing
    assert await command(client, room, "!nominate 1") == (
        "Sato is your counselor. Write your letter in this room."
    )
    await operator.wait_for(
        _contains(clinic.private[operator.user_id], "letter package P1 (Haru)")
    )
    # Payment: only a pending package; cancelling only one not answered yet.
    await refused(api, "POST", f"{base}/packages/P1/payment", None, 409, "SOUDAN_CONFLICT")
    await refused(api, "POST", f"{base}/packages/P7/payment", None, 404, "M_NOT_FOUND")
    cancelled = await api.ok("POST", f"{base}/packages/1/cancel")
    assert cancelled["status"] == "cancelled"
    await refused(api, "POST", f"{base}/packages/1/cancel", None, 409, "SOUDAN_CONFLICT")
    assert [p["status"] for p in (await api.ok("GET", f"{base}/packages"))["packages"]] == [
        "cancelled"
    ]
    await refused(api, "GET", f"{base}/packages?status=lost", None, 400, "M_INVALID_PARAM")
    # Settings: one bad value changes nothing.
    await refused(
        api,
        "PATCH",
        f"{base}/letter-settings",
        {"session_price": 8000, "package_month": "whenever"},
        400,
        "M_INVALID_PARAM",
    )
    assert (await api.ok("GET", f"{base}/letter-settings"))["session_price"] == 0
    await refused(
        api, "PATCH", f"{base}/letter-settings", {"letter_reminder": "0h"}, 400, "M_INVALID_PARAM"
    )
    settings = await api.ok(
        "PATCH",
        f"{base}/letter-settings",
        {"session_price": 8000, "package_month": "completed", "letter_reminder": "6h"},
    )
    assert settings == {
        "country": "JP",
        "currency": "JPY",
        "session_price": 8000,
        "package_month": "completed",
        "letter_reminder": "6h",
    }
    # Continuing, and the payment confirmed through the API.
    await api.ok("POST", f"{base}/package-types", {"name": "One", "replies": 1})
    body = {"client": "Haru", "type": "One", "operator": operator.user_id}
    assert (await api.ok("POST", f"{base}/packages", body))["label"] == "P2"
    await client.send_text(room, "one question")
    ignore = (clinic.tenant.space_room, *clinic.private.values())
    case_room = await operator.wait_for_invite(ignore=ignore, timeout=30)
    await operator.join(case_room)
    await operator.wait_for(_body(case_room, "one question"))
    assert (await _reply(operator, case_room, "one answer")).startswith(
        "Sent as [Reply 1/1 · final]"
    )
    await client.wait_for(_body(room, "[Reply 1/1 · final]\none answer"))
    await client.send_text(room, "1")
    await client.wait_for(_starts(room, "Your request to continue is noted (P3)."))
    paid = await api.ok("POST", f"{base}/packages/P3/payment")
    assert (paid["status"], paid["sent"], paid["operator"]) == ("active", 0, operator.user_id)
    await refused(api, "POST", f"{base}/packages/P3/payment", None, 409, "SOUDAN_CONFLICT")
    assert (await _reply(operator, case_room, "and so on")).startswith(
        "Sent as [Reply 1/1 · final], the last reply of package P3."
    )


async def test_the_last_reply_asks_and_a_poll_answer_finishes(
    stack: Stack, users: OpenUser
) -> None:
    clinic, operator, client, room = await _letter_desk(stack, users, "replies=2 chars=20")
    case_room = await _first_letter(clinic, operator, client, room, "short letter")
    assert await command(operator, case_room, "!letter") == (
        "P1 Aoi · Standard · replies 0/2 · active · counselor "
        f"{operator.user_id} · due " + (await _due_seen(operator, case_room))
    )
    # An edit keeps its reply's number; an edit over the limit is refused like a letter.
    first = await operator.send_text(case_room, "first answer")
    await client.wait_for(_body(room, "[Reply 1/2]\nfirst answer"))
    await _edit(operator, case_room, first, "first answer, edited")
    await client.wait_for(_body(room, "* [Reply 1/2]\nfirst answer, edited"))
    sent = await client.send_text(room, "second letter")
    await operator.wait_for(_body(case_room, "second letter"))
    edit = await _edit(client, room, sent, "second letter, now far too long")
    refusal = await client.wait_for(reply_to(edit, room))
    assert refusal["content"]["body"].startswith(
        "This letter has 31 characters, over the limit of 20"
    )
    assert await _reply(operator, case_room, "last answer") == (
        "Sent as [Reply 2/2 · final], the last reply of package P1. "
        "The client was asked whether to continue."
    )
    poll = await client.wait_for(
        lambda r, e: r == room and e["type"] == "org.matrix.msc3381.poll.start"
    )
    await client.client.room_send(
        room,
        "org.matrix.msc3381.poll.response",
        {
            "m.relates_to": {"rel_type": "m.reference", "event_id": poll["event_id"]},
            "org.matrix.msc3381.poll.response": {"answers": ["2"]},
        },
    )
    await client.wait_for(_body(room, "Thank you for using letter counseling."))
    await operator.wait_for(
        _body(case_room, "The client chose to finish letter counseling with package P1.")
    )
    # The case is a chat again: nothing is numbered or refused any more.
    await operator.send_text(case_room, "take care")
    await client.wait_for(_body(room, "take care"))
    assert "ended" in await clinic.tenant.command("!packages ended")


async def _due_seen(operator: User, case_room: str) -> str:
    notice = await operator.wait_for(_starts(case_room, "A letter arrived (P1)."))
    return str(notice["content"]["body"]).split(" is due by ")[1].rstrip(".")


async def _edit(user: User, room_id: str, event_id: str, text: str) -> str:
    response = await user.client.room_send(
        room_id,
        "m.room.message",
        {
            "msgtype": "m.text",
            "body": f"* {text}",
            "m.new_content": {"msgtype": "m.text", "body": text},
            "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
        },
    )
    return str(response.event_id)  # type: ignore[union-attr]


async def test_a_removed_counselors_package_passes_to_another(
    stack: Stack, users: OpenUser
) -> None:
    clinic = await _clinic(stack, users, operators=2)
    first, second = clinic.operators
    admin, api, base = clinic.tenant, clinic.api, f"/tenants/{clinic.tenant.slug}"
    await admin.command("!package-type add Standard")
    client, room = await clinic.client(stack, users, "Mio")
    await admin.command(f"!package-grant Mio Standard {first.user_id}")
    case_room = await _first_letter(clinic, first, client, room, "to my first counselor")
    await api.ok("DELETE", f"{base}/operators/{first.user_id}")
    await admin.admin.wait_for(
        _body(
            admin.admin_room,
            "Package P1 (Mio) has lost its counselor. Choose another: "
            "!package-counselor P1 @operator",
        )
    )
    assert await admin.command(f"!package-counselor P1 {first.user_id}") == (
        f"{first.user_id} is not an operator."
    )
    moved = await api.ok("POST", f"{base}/packages/P1/counselor", {"operator": second.user_id})
    assert (moved["operator"], moved["status"]) == (second.user_id, "active")
    assert moved["due_at"] is not None  # the waiting letter is due from now
    await second.wait_for(_contains(clinic.private[second.user_id], "letter package P1 (Mio)"))
    # The next letter brings the case to the new counselor, with its history.
    await client.send_text(room, "are you there?")
    await second.join(await second.wait_for_invite(ignore=(admin.space_room,), timeout=30))
    await second.wait_for(_body(case_room, "to my first counselor"))
    await second.wait_for(_body(case_room, "are you there?"))
    assert await _reply(second, case_room, "I am here now.") == "Sent as [Reply 1/4] (P1)."
    await client.wait_for(_body(room, "[Reply 1/4]\nI am here now."))

"""A client's commands, end to end: only the clients' commands of a room are commands there;
any other line starting with "!" reaches the counselor as text, and the help lists every
command of the room from the registry, in the tenant's language."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from appservice.commands.handler import Place, commands_at
from appservice.i18n import Lang, t

from .conftest import OpenUser, Stack
from .matrix import count, reply_to, settle
from .tenants import Api, add_operators, command, new_client, new_tenant


def _body(room_id: str, text: str):
    return lambda r, e: r == room_id and e.get("content", {}).get("body") == text


def _help(lang: Lang, place: Place) -> str:
    """The help the registry makes for a client's room."""
    lines = [t(lang, f"help.header.{place.value}")]
    lines += [
        t(lang, "help.client_line", usage=cmd.usage(lang, place), help=cmd.help(lang))
        for cmd in commands_at(place)
    ]
    return "\n".join([*lines, t(lang, f"help.footer.{place.value}")])


def test_the_clients_commands_are_apart_from_the_operators() -> None:
    desk = {cmd.name for cmd in commands_at(Place.DESK)}
    assert desk == {
        "help",
        "board",
        "operators",
        "nominate",
        "slots",
        "book",
        "bookings",
        "cancel",
    }
    board = {cmd.name for cmd in commands_at(Place.CLIENT_BOARD)}
    assert board == {"help", "topics", "topic", "profile", "nominate"}
    for place in (Place.ADMIN, Place.STAFF, Place.CASE, Place.PRIVATE, Place.BOARD):
        operators = commands_at(place)
        assert operators and not [cmd for cmd in operators if cmd.for_clients]
    assert "!slots [<number> | last] [YYYY-MM-DD]" in _help("en", Place.DESK)
    assert "・!book <枠番号> — 枠を予約" in _help("ja", Place.DESK)


async def test_bang_lines_reach_the_counselor_and_commands_still_work(
    stack: Stack, users: OpenUser
) -> None:
    api = Api(stack)
    tenant = await new_tenant(stack, api, users)
    (operator,) = await add_operators(stack, api, users, tenant, 1)
    assert (await tenant.command("!set-mode auto 2")).startswith("Assignment: auto")
    answer = await command(operator, tenant.staff_room, "!status online")
    assert answer.splitlines()[0] == "Open now."
    assert await command(operator, tenant.staff_room, "!profile Sato | I listen.") == (
        "Your profile is set."
    )
    client, room = await new_client(stack, users, tenant, "Haru")

    assert await command(client, room, "!help") == _help("en", Place.DESK)
    # Lines that name no client's command are the client's words, operators' commands too.
    sent = [await client.send_text(room, "!!! please help me")]
    case_room = await operator.wait_for_invite(ignore=(tenant.space_room,))
    await operator.join(case_room)
    await operator.wait_for(_body(case_room, "!!! please help me"))
    for text in ("!important: my boss hit me", "!unknownword", "!add-client Mallory", "!topics"):
        sent.append(await client.send_text(room, text))
        await operator.wait_for(_body(case_room, text))
    await settle(client, 1)
    assert not [e for e in sent if count(client, reply_to(e, room))]

    # A client's commands still are commands: a slot booked, the board's topics listed.
    now = (await api.ok("POST", "/debug/clock", {"advance_seconds": 0}))["now"]
    day = datetime.fromtimestamp(now / 1000, tz=ZoneInfo("Asia/Tokyo")).date() + timedelta(4)
    added = await command(operator, tenant.staff_room, f"!slot-add {day} 10:00")
    assert added.startswith("Added "), added
    (slot,) = re.findall(r"^#(\d+) ", added, re.M)
    booked = await command(client, room, f"!book {slot}")
    assert booked.startswith("Booked (B") and "with Sato" in booked, booked
    assert (await command(client, room, "!board")).startswith("Your board is open")
    board_room = next(
        r
        for r in (await client.client.joined_rooms()).rooms
        if r != room  # type: ignore[union-attr]
    )
    assert await command(client, board_room, "!topics") == "There are no topics yet."
    assert await command(client, board_room, "!help") == _help("en", Place.CLIENT_BOARD)


async def test_client_help_in_japanese(stack: Stack, users: OpenUser) -> None:
    api = Api(stack)
    tenant = await new_tenant(stack, api, users, language="ja")
    client, room = await new_client(stack, users, tenant, "Aoi")
    answer = await command(client, room, "!help")
    assert answer == _help("ja", Place.DESK)
    assert answer.startswith("ここで使えるコマンド:")
    for cmd in commands_at(Place.DESK):
        assert f"・!{cmd.name}" in answer and cmd.help("ja") in answer

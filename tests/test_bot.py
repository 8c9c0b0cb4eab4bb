"""The bot in its control room, end to end against a real Synapse."""

from __future__ import annotations

from .conftest import OpenUser, Stack
from .matrix import User, reply_to


async def test_control_room_is_made_for_the_admin(stack: Stack, admin: User) -> None:
    room_id = stack.control_room()
    state = await admin.client.room_get_state(room_id)
    events = {(e["type"], e.get("state_key")): e["content"] for e in state.events}
    assert events[("m.room.join_rules", "")]["join_rule"] == "invite"
    assert events[("m.room.guest_access", "")]["guest_access"] == "forbidden"
    assert events[("m.room.history_visibility", "")]["history_visibility"] == "invited"
    assert events[("m.room.member", stack.admin_id)]["membership"] == "join"
    assert events[("m.room.member", stack.config.bot_mxid)]["membership"] == "join"


async def test_help_lists_the_commands(stack: Stack, admin: User) -> None:
    room_id = stack.control_room()
    event_id = await admin.send_text(room_id, "!help")
    answer = await admin.wait_for(reply_to(event_id, room_id))
    assert answer["sender"] == stack.config.bot_mxid
    assert answer["content"]["msgtype"] == "m.notice"
    assert "Commands you can use" in answer["content"]["body"]
    assert "!help [command]" in answer["content"]["body"]


async def test_help_for_one_command_and_bad_usage(stack: Stack, admin: User) -> None:
    room_id = stack.control_room()
    one = await admin.send_text(room_id, "!help help")
    answer = await admin.wait_for(reply_to(one, room_id))
    assert answer["content"]["body"].startswith("!help [command]\n")
    bad = await admin.send_text(room_id, "!help a b")
    answer = await admin.wait_for(reply_to(bad, room_id))
    assert answer["content"]["body"] == "Usage: !help [command]"


async def test_unknown_command_is_named(stack: Stack, admin: User) -> None:
    room_id = stack.control_room()
    event_id = await admin.send_text(room_id, "!frobnicate now")
    answer = await admin.wait_for(reply_to(event_id, room_id))
    assert "frobnicate" in answer["content"]["body"]
    assert "!help" in answer["content"]["body"]


async def test_plain_chat_gets_no_answer(stack: Stack, admin: User) -> None:
    room_id = stack.control_room()
    chat = await admin.send_text(room_id, "just a note for the other admins")
    marker = await admin.send_text(room_id, "!help")
    await admin.wait_for(reply_to(marker, room_id))
    # Replies are sent in room order, so the answer to the later !help proves the chat line
    # was handled already, without an answer.
    assert not [e for _, e in admin.events if reply_to(chat)(room_id, e)]


REFUSED_INVITE = (
    "This bot only takes part in the rooms soudan makes: use the control room, a tenant's "
    "admin room or the staff room."
)


async def _bot_membership(user: User, room_id: str, bot: str) -> dict:
    """The bot's answer to an invite into ``room_id``: its next membership there."""
    return await user.wait_for(
        lambda room, e: (
            room == room_id
            and e["type"] == "m.room.member"
            and e.get("state_key") == bot
            and e["content"]["membership"] in ("join", "leave")
        )
    )


async def test_invites_into_rooms_soudan_did_not_make_are_refused(
    stack: Stack, users: OpenUser, admin: User
) -> None:
    user_id, password = stack.new_user("operator")
    user = await users(stack.hs.url, user_id, password)
    bot = stack.config.bot_mxid
    # Anyone's room, a platform admin's included: the bot refuses, saying why.
    for inviter in (user, admin):
        room_id = (await inviter.client.room_create(invite=[bot], is_direct=True)).room_id
        answer = await _bot_membership(inviter, room_id, bot)
        assert answer["content"] == {"membership": "leave", "reason": REFUSED_INVITE}
        members = (await inviter.client.joined_members(room_id)).members
        assert [m.user_id for m in members] == [inviter.user_id]
    # The control room, made by soudan, is where the bot is.
    event_id = await admin.send_text(stack.control_room(), "!help")
    assert await admin.wait_for(reply_to(event_id, stack.control_room()))

"""Creating rooms with every setting stated, never left to a preset's defaults."""

from __future__ import annotations

from typing import Any, Literal

from mautrix.appservice import IntentAPI
from mautrix.types import EventType, RoomCreatePreset, RoomID, UserID

History = Literal["invited", "shared", "joined"]
# Room version 12: its creator holds unlimited power by being the creator, so the bot never
# appears in the power-level users map (Synapse refuses it there).
ROOM_VERSION = "12"


def room_settings(
    *, history: History, power_users: dict[UserID, int], federate: bool = True
) -> dict[str, Any]:
    """The state of a room made by soudan: invite only, no guests, and only the creator (the
    bot or a ghost) and the users given power here may change anything."""
    return {
        "preset": RoomCreatePreset.PRIVATE,
        "room_version": ROOM_VERSION,
        "initial_state": [
            {"type": "m.room.join_rules", "content": {"join_rule": "invite"}},
            {"type": "m.room.guest_access", "content": {"guest_access": "forbidden"}},
            {"type": "m.room.history_visibility", "content": {"history_visibility": history}},
        ],
        "creation_content": {"m.federate": federate},
        "power_level_override": {
            "users": dict(power_users),
            "users_default": 0,
            "events_default": 0,
            "state_default": 50,
            "invite": 50,
            "kick": 50,
            "ban": 50,
            "redact": 50,
        },
    }


async def create_room(
    intent: IntentAPI,
    *,
    name: str,
    topic: str | None = None,
    invitees: list[UserID],
    history: History = "invited",
    federate: bool = True,
    space: bool = False,
) -> RoomID:
    settings = room_settings(history=history, power_users={}, federate=federate)
    if space:
        settings["creation_content"]["type"] = "m.space"
    return await intent.create_room(name=name, topic=topic, invitees=invitees, **settings)


async def link_to_space(intent: IntentAPI, domain: str, space: RoomID, child: RoomID) -> None:
    """Show ``child`` in ``space`` (and the space as the room's parent)."""
    child_content: dict[str, Any] = {"via": [domain]}
    parent_content: dict[str, Any] = {**child_content, "canonical": True}
    await intent.send_state_event(space, EventType.SPACE_CHILD, child_content, state_key=child)
    await intent.send_state_event(child, EventType.SPACE_PARENT, parent_content, state_key=space)

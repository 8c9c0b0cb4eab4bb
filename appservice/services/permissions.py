"""Per-operator permissions (seed 002): which clients they see, what they may send, as whom,
and how they are told of new work. The relay and the routing ask here; nothing else decides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attr

from ..db import OPERATOR, Case, ClientRecord, OperatorSettings, Tenant
from ..db.operator_settings import ALL, ASSIGNED_ONLY, TAGGED
from . import validate
from .errors import Refusal, not_found

SCOPES = (ALL, ASSIGNED_ONLY, TAGGED)
PERSONAS = ("official", "personal", "switch")
NOTIFY_WHERE = ("dm", "none")
MAX_TAG = 32
# The settings as commands and the API name them, and the column each one sets.
FLAGS = {
    "notes": "see_notes",
    "intake": "see_intake",
    "notify_new_case": "notify_new_case",
    "notify_assigned": "notify_assigned",
    "notify_message": "notify_message",
    "notify_new_topic": "notify_new_topic",
    "moderate": "moderate",
}
CHOICES: dict[str, tuple[str, tuple[str, ...], dict[str, Any]]] = {
    # key: (column, allowed values, how a value is stored when it is not stored as itself)
    "mode": ("may_send", ("send", "view"), {"send": True, "view": False}),
    "text": ("templates_only", ("free", "templates"), {"free": False, "templates": True}),
    "persona": ("persona", PERSONAS, {}),
    "notify": ("notify", NOTIFY_WHERE, {}),
}
KEYS = ("scope", "tags", *FLAGS, *CHOICES)


async def operator_settings(tenant: Tenant, operator: object) -> OperatorSettings:
    user_id = validate.user_id(operator)
    if not await tenant.has_member(user_id, OPERATOR):
        raise not_found("operator.unknown", user_id=user_id)
    return await OperatorSettings.get(tenant.id, user_id)


def tag(value: object) -> str:
    """A client tag: a short name without spaces or commas."""
    text = validate.name(value, "tag")
    if len(text) > MAX_TAG or any(ch.isspace() or ch == "," for ch in text):
        raise Refusal("perm.bad_tag", value=text[:40], max=MAX_TAG)
    return text


def flag(key: str, value: object) -> bool:
    """An on/off setting: a JSON boolean or "on" or "off"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("on", "off"):
        return value.lower() == "on"
    raise Refusal("perm.bad_value", setting=key, value=str(value)[:40], options="on, off")


def _tags(value: object) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise Refusal("perm.bad_value", setting="tags", value=str(value)[:40], options="tag,tag")
    return sorted({tag(item) for item in items if not isinstance(item, str) or item.strip()})


def changed(settings: OperatorSettings, changes: Mapping[str, Any]) -> OperatorSettings:
    """The settings with ``changes`` applied, every value checked first; raises on the first
    bad key or value, so nothing is half applied."""
    new = attr.evolve(settings, scope_tags=list(settings.scope_tags))
    for key, value in changes.items():
        key = key.replace("-", "_")
        if key == "scope":
            scope, _, tags = str(value).partition(":")
            if scope not in SCOPES:
                raise Refusal(
                    "perm.bad_value", setting=key, value=str(value)[:40], options=", ".join(SCOPES)
                )
            new.scope = scope
            if tags:
                new.scope_tags = _tags(tags)
        elif key == "tags":
            new.scope_tags = _tags(value)
        elif key in FLAGS:
            setattr(new, FLAGS[key], flag(key, value))
        elif key in CHOICES:
            column, allowed, stored = CHOICES[key]
            if value not in allowed:
                raise Refusal(
                    "perm.bad_value",
                    setting=key,
                    value=str(value)[:40],
                    options=", ".join(allowed),
                )
            setattr(new, column, stored.get(str(value), value))
        else:
            raise Refusal("perm.bad_key", setting=key[:40], options=", ".join(KEYS))
    if new.scope == TAGGED and not new.scope_tags:
        raise Refusal("perm.tags_needed")
    return new


def as_dict(settings: OperatorSettings) -> dict[str, Any]:
    """The settings under the names commands and the API use."""
    return {
        "user_id": settings.user_id,
        "scope": settings.scope,
        "tags": settings.scope_tags,
        "notes": settings.see_notes,
        "intake": settings.see_intake,
        "mode": "send" if settings.may_send else "view",
        "text": "templates" if settings.templates_only else "free",
        "persona": settings.persona,
        "notify": settings.notify,
        "notify_new_case": settings.notify_new_case,
        "notify_assigned": settings.notify_assigned,
        "notify_message": settings.notify_message,
        "notify_new_topic": settings.notify_new_topic,
        "moderate": settings.moderate,
    }


async def may_be_given(settings: OperatorSettings, client_id: int) -> bool:
    """Whether routing, an admin or a transfer may give this client's case to the operator.
    Being given a case is what makes a client theirs under "assigned only"."""
    if settings.scope == TAGGED:
        return bool(set(await ClientRecord.tags(client_id)) & set(settings.scope_tags))
    return True


async def may_see(settings: OperatorSettings | None, client_id: int, nominee: str | None) -> bool:
    """Whether the operator may see this client's cases (None: an admin, who sees all)."""
    if settings is None or settings.scope == ALL:
        return True
    if settings.scope == TAGGED:
        return await may_be_given(settings, client_id)
    return nominee == settings.user_id or await Case.ever_handled_by(client_id, settings.user_id)

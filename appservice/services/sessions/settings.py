"""A tenant's session settings: length, cutoff, reminders and the video link."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...db.tenant import Tenant
from .. import validate
from ..errors import Refusal
from .slots import MAX_MINUTES


def settings_of(tenant: Tenant) -> dict[str, object]:
    return {
        "minutes": tenant.session_minutes,
        "cutoff_hours": tenant.session_cutoff_hours,
        "reminders": list(tenant.session_reminders),
        "video_lead_minutes": tenant.video_lead_minutes,
        "video_url": tenant.video_url,
    }


def _reminders(value: object) -> list[int]:
    if isinstance(value, list):
        items = value
    else:
        text = str(value).strip()
        items = [] if text in ("", "none", "off") else text.split(",")
    found = sorted(
        {validate.count(item, low=1, high=14 * 1440, what="reminder") for item in items},
        reverse=True,
    )
    if len(found) > 5:
        raise Refusal("bad.range", what="reminders", low=0, high=5, value=len(found))
    return found


# Named providers; any other https:// URL with {room} in it (a Jitsi server of one's own, a
# self-hosted Element Call) works as well. A call widget in the case room cannot be the video
# link: the client is never in that room, only the ghost that stands for them.
PROVIDERS = {
    "jitsi": "https://meet.jit.si/{room}",
    "element-call": "https://call.element.io/{room}",
}


def video_url(value: object) -> str:
    text = str(value).strip()
    text = PROVIDERS.get(text.lower(), text)
    if not re.fullmatch(r"https://[^\s{}]+\{room\}[^\s{}]*", text) or len(text) > 300:
        raise Refusal("sessions.bad_video_url", value=text[:80])
    return text


SETTING_KEYS = {
    "minutes": "minutes",
    "cutoff": "cutoff_hours",
    "cutoff_hours": "cutoff_hours",
    "reminders": "reminders",
    "video-lead": "video_lead_minutes",
    "video_lead_minutes": "video_lead_minutes",
    "video-url": "video_url",
    "video_url": "video_url",
}


async def change_settings(tenant: Tenant, changes: Mapping[str, object]) -> Tenant:
    """All of ``changes`` or none; keys as in :func:`settings_of` (or their command names)."""
    if not changes:
        raise Refusal("sessions.no_settings")
    unknown = [key for key in changes if key not in SETTING_KEYS]
    if unknown:
        raise Refusal("sessions.unknown_setting", name=str(unknown[0])[:30])
    checked: dict[str, object] = {}
    for key, value in changes.items():
        name = SETTING_KEYS[key]
        if name == "minutes":
            checked[name] = validate.count(value, low=1, high=MAX_MINUTES, what="minutes")
        elif name == "cutoff_hours":
            checked[name] = validate.count(value, low=0, high=14 * 24, what="cutoff")
        elif name == "reminders":
            checked[name] = _reminders(value)
        elif name == "video_lead_minutes":
            checked[name] = validate.count(value, low=0, high=120, what="video-lead")
        else:
            checked[name] = video_url(value)
    tenant.session_minutes = int(checked.get("minutes", tenant.session_minutes))  # type: ignore[call-overload]
    tenant.session_cutoff_hours = int(checked.get("cutoff_hours", tenant.session_cutoff_hours))  # type: ignore[call-overload]
    tenant.session_reminders = checked.get("reminders", tenant.session_reminders)  # type: ignore[assignment]
    tenant.video_lead_minutes = int(checked.get("video_lead_minutes", tenant.video_lead_minutes))  # type: ignore[call-overload]
    tenant.video_url = str(checked.get("video_url", tenant.video_url))
    await tenant.save()
    return tenant

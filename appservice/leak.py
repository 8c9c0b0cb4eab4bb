"""The one leak filter: what of someone's event may be copied for someone else.

Every copy soudan makes (case relay, board, any later relay) passes ``filter_event``. It is
pure: no I/O, no database. The caller says who the receiver is (``Receiver``: the name the
receiver knows for a Matrix user, or none) and, for an edit, whether its author wrote the
edited event; the filter answers with the content to send (``Copy``) or why it may not be
sent (``Refusal``, a catalog key and its values, for a notice to the sender).

What it does, whatever the relay:
- keeps only the content keys it knows for each message type; a sticker becomes an image,
  locations, polls and any other type are refused;
- strips reply fallbacks (``> <@user:server> …`` lines in ``body``, ``<mx-reply>`` in
  ``formatted_body``, leading whitespace included, inside ``m.new_content`` too) of replies
  and edits; a quote in a message that is no reply is kept;
- replaces links and pills to users (``matrix.to``, ``matrix:`` URIs, bare ``@user:server``)
  by the name the receiver knows, or a neutral word; other Matrix permalinks (rooms, events)
  lose their link; ``m.mentions`` is dropped;
- sanitizes ``formatted_body`` with ``nh3`` to the tags and attributes the Matrix
  client-server spec allows: links only to http, https and mailto, images only from mxc;
- refuses an edit of someone else's event, and a copy too large for an event.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import nh3

# The homeserver refuses an event whose JSON is larger than this (Matrix spec, "Size limits").
MAX_EVENT_BYTES = 65536
# Room for what the homeserver and the relay add around the content: room, sender, type,
# timestamps, depth, hashes, signatures, up to 20 prev and auth event IDs, the relay's mark
# and a mapped relation. Measured envelopes stay under 2 KiB; twice that is the margin.
ENVELOPE_MARGIN = 4096
MAX_CONTENT_BYTES = MAX_EVENT_BYTES - ENVELOPE_MARGIN

MESSAGE = "m.room.message"
STICKER = "m.sticker"
REACTION = "m.reaction"
TEXT_TYPES = frozenset({"m.text", "m.notice", "m.emote"})
MEDIA_TYPES = frozenset({"m.image", "m.file", "m.audio", "m.video"})
MESSAGE_TYPES = TEXT_TYPES | MEDIA_TYPES
POLL_TYPES = frozenset(
    {
        "m.poll.start",
        "m.poll.response",
        "m.poll.end",
        "org.matrix.msc3381.poll.start",
        "org.matrix.msc3381.poll.response",
        "org.matrix.msc3381.poll.end",
    }
)
LOCATION_TYPES = frozenset(
    {"m.beacon", "m.beacon_info", "org.matrix.msc3672.beacon", "org.matrix.msc3672.beacon_info"}
)
HTML_FORMAT = "org.matrix.custom.html"

# Catalog keys of the refusals (each in every catalog, under "relay.refused.").
REFUSED_LOCATION = "relay.refused.location"
REFUSED_POLL = "relay.refused.poll"
REFUSED_TYPE = "relay.refused.type"
REFUSED_MEDIA = "relay.refused.media"
REFUSED_EDIT = "relay.refused.edit"
REFUSED_SIZE = "relay.refused.size"
REFUSALS = (
    REFUSED_LOCATION,
    REFUSED_POLL,
    REFUSED_TYPE,
    REFUSED_MEDIA,
    REFUSED_EDIT,
    REFUSED_SIZE,
)


@dataclass(frozen=True)
class Receiver:
    """Who a copy is for, as far as the filter needs to know.

    ``name_of(user_id)`` is the name the receiver knows that user by (a client's alias, the
    desk's or a persona's name, "member"), or None: then ``someone`` stands in its place.
    """

    name_of: Callable[[str], str | None] = lambda _user_id: None
    someone: str = "someone"

    def name(self, user_id: str) -> str:
        return self.name_of(user_id) or self.someone


@dataclass(frozen=True)
class Copy:
    """What may be sent: ``content`` as an event of ``event_type`` (a sticker becomes a
    message); ``text`` is what it says, for the history and search (None: no text)."""

    event_type: str
    content: dict[str, Any]
    text: str | None


@dataclass(frozen=True)
class Refusal:
    """Why nothing is sent: a catalog key and its values, to tell the sender."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


def edited_event(content: Mapping[str, Any]) -> str | None:
    """The event an edit replaces, or None when ``content`` is no edit."""
    relates = content.get("m.relates_to")
    if isinstance(relates, Mapping) and relates.get("rel_type") == "m.replace":
        target = relates.get("event_id")
        return target if isinstance(target, str) else None
    return None


def filter_event(
    event_type: str,
    content: Mapping[str, Any],
    receiver: Receiver,
    *,
    own_edit: bool = False,
) -> Copy | Refusal:
    """The copy of an event (type and content) for ``receiver``, or why there is none.

    ``own_edit`` matters only for an edit (``edited_event(content)`` is not None): the caller
    says whether the edited event was sent by the edit's sender; if not, it is refused.
    Relations keep the source's event IDs: mapping them to the target room is the caller's.
    """
    if event_type in POLL_TYPES:
        return Refusal(REFUSED_POLL)
    if event_type in LOCATION_TYPES:
        return Refusal(REFUSED_LOCATION)
    if event_type == REACTION:
        return _sized(REACTION, _reaction(content, receiver), None)
    if event_type == STICKER:
        content = {**content, "msgtype": "m.image"}
    elif event_type != MESSAGE:
        return Refusal(REFUSED_TYPE, {"kind": _shown(event_type)})
    msgtype = content.get("msgtype")
    if msgtype == "m.location":
        return Refusal(REFUSED_LOCATION)
    if msgtype not in MESSAGE_TYPES:
        return Refusal(REFUSED_TYPE, {"kind": _shown(msgtype)})
    edit = edited_event(content) is not None
    if edit and not own_edit:
        return Refusal(REFUSED_EDIT)
    reply = _is_reply(content)
    out = _message(content, receiver, strip_fallback=reply or edit)
    if isinstance(out, Refusal):
        return out
    relates = _relation(content.get("m.relates_to"))
    if relates:
        out["m.relates_to"] = relates
    if edit:
        new_content = content.get("m.new_content")
        if not isinstance(new_content, Mapping) or new_content.get("msgtype") != msgtype:
            return Refusal(REFUSED_TYPE, {"kind": _shown(msgtype)})
        inner = _message(new_content, receiver, strip_fallback=True)
        if isinstance(inner, Refusal):
            return inner
        out["m.new_content"] = inner
    text_source = out.get("m.new_content", out)
    return _sized(MESSAGE, out, text_source.get("body"))


def content_size(content: Mapping[str, Any]) -> int:
    """The size of ``content`` in an event, as the homeserver counts it (canonical JSON)."""
    encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return len(encoded.encode("utf-8"))


def _sized(event_type: str, content: dict[str, Any], text: Any) -> Copy | Refusal:
    size = content_size(content)
    if size > MAX_CONTENT_BYTES:
        return Refusal(REFUSED_SIZE, {"size": size, "limit": MAX_CONTENT_BYTES})
    return Copy(event_type, content, text if isinstance(text, str) else None)


def _shown(kind: Any) -> str:
    """A type named in a notice: as sent, but short and printable."""
    text = kind if isinstance(kind, str) and kind else "?"
    return "".join(c for c in text[:60] if c.isprintable())


def _is_reply(content: Mapping[str, Any]) -> bool:
    relates = content.get("m.relates_to")
    return isinstance(relates, Mapping) and isinstance(relates.get("m.in_reply_to"), Mapping)


def _relation(relates: Any) -> dict[str, Any] | None:
    """Only what relays: an edit, a reference, or the event replied to (a thread's reply
    becomes a plain reply)."""
    if not isinstance(relates, Mapping):
        return None
    rel_type, target = relates.get("rel_type"), relates.get("event_id")
    if rel_type in ("m.replace", "m.reference") and isinstance(target, str):
        return {"rel_type": rel_type, "event_id": target}
    reply = relates.get("m.in_reply_to")
    if isinstance(reply, Mapping) and isinstance(reply.get("event_id"), str):
        return {"m.in_reply_to": {"event_id": reply["event_id"]}}
    return None


def _reaction(content: Mapping[str, Any], receiver: Receiver) -> dict[str, Any]:
    relates = content.get("m.relates_to")
    out: dict[str, Any] = {}
    if isinstance(relates, Mapping) and relates.get("rel_type") == "m.annotation":
        key = relates.get("key")
        out["m.relates_to"] = {
            "rel_type": "m.annotation",
            "event_id": relates.get("event_id"),
            "key": _plain(key, receiver, {}) if isinstance(key, str) else "",
        }
    return out


# Message content


_INFO_KEYS = ("mimetype", "size", "w", "h", "duration")
_THUMBNAIL_INFO_KEYS = ("mimetype", "size", "w", "h")


def _message(
    content: Mapping[str, Any], receiver: Receiver, *, strip_fallback: bool
) -> dict[str, Any] | Refusal:
    msgtype = content.get("msgtype")
    assert isinstance(msgtype, str)
    body = content.get("body")
    body = body if isinstance(body, str) else ""
    formatted = content.get("formatted_body")
    has_html = content.get("format") == HTML_FORMAT and isinstance(formatted, str)
    if strip_fallback:
        body = _strip_body_fallback(body)
    out: dict[str, Any] = {"msgtype": msgtype}
    names: dict[str, str] = {}
    if has_html:
        assert isinstance(formatted, str)
        clean = sanitize_html(formatted, receiver, names)
        out["format"] = HTML_FORMAT
        out["formatted_body"] = clean
    out["body"] = _plain(body, receiver, names)
    if msgtype in MEDIA_TYPES:
        url = content.get("url")
        if not isinstance(url, str) or not url.startswith("mxc://"):
            return Refusal(REFUSED_MEDIA)
        out["url"] = url
        filename = content.get("filename")
        if isinstance(filename, str):
            out["filename"] = _plain(filename, receiver, names)
        info = _media_info(content.get("info"))
        if info:
            out["info"] = info
    return out


def _media_info(info: Any) -> dict[str, Any]:
    if not isinstance(info, Mapping):
        return {}
    out = {k: info[k] for k in _INFO_KEYS if isinstance(info.get(k), (int, str))}
    thumbnail = info.get("thumbnail_url")
    if isinstance(thumbnail, str) and thumbnail.startswith("mxc://"):
        out["thumbnail_url"] = thumbnail
        thumbnail_info = info.get("thumbnail_info")
        if isinstance(thumbnail_info, Mapping):
            out["thumbnail_info"] = {
                k: thumbnail_info[k]
                for k in _THUMBNAIL_INFO_KEYS
                if isinstance(thumbnail_info.get(k), (int, str))
            }
    return out


# Reply fallbacks


# The first line of a reply fallback names the original sender: "> <@alice:example.org> …",
# or "> * <@alice:example.org> …" for an emote.
_FALLBACK_FIRST_LINE = re.compile(r"^> (?:\* )?<@[^>\s]+>")


def _strip_body_fallback(body: str) -> str:
    """``body`` without a leading reply fallback (the quoted lines and the empty line after
    them); a quote that names no sender is the author's own, and stays."""
    text = body.lstrip()
    if not _FALLBACK_FIRST_LINE.match(text):
        return body
    lines = text.split("\n")
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    if lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


# Users, named the way the receiver knows them

# A host name's labels are joined by single dots, so a full stop after an ID is not its part.
_SERVER = (
    r"(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*"
    r"|\d+(?:\.\d+){3})(?::\d{1,5})?"
)
_USER_ID = rf"@[A-Za-z0-9._=/+-]+:{_SERVER}"
# A bare user ID, not part of an e-mail address or a longer word.
_BARE_USER = re.compile(rf"(?<![\w@]){_USER_ID}")
_MATRIX_TO = re.compile(r"https?://matrix\.to/#/[^\s<>\"']*", re.I)
_MATRIX_URI = re.compile(r"\bmatrix:[^\s<>\"']+", re.I)


def _link_target(url: str) -> tuple[bool, str | None]:
    """Whether ``url`` is a Matrix link (matrix.to or a ``matrix:`` URI), and the user it
    points at, if any."""
    if _MATRIX_TO.fullmatch(url):
        target = unquote(url.split("#/", 1)[1]).split("?", 1)[0]
        user = re.fullmatch(_USER_ID, target.split("/", 1)[0])
        return True, user.group(0) if user else None
    if url.lower().startswith("matrix:"):
        path = unquote(url[len("matrix:") :]).split("?", 1)[0].split("#", 1)[0]
        kind, _, rest = path.partition("/")
        user = re.fullmatch(_USER_ID, "@" + rest) if kind in ("u", "user") else None
        return True, user.group(0) if user else None
    return False, None


def _plain(text: str, receiver: Receiver, names: Mapping[str, str]) -> str:
    """Plain text with every way of naming a user replaced by the name the receiver knows.

    ``names`` maps texts shown for pills in the HTML (often a display name, which the plain
    body repeats) to their replacements."""

    def link(match: re.Match[str]) -> str:
        url = match.group(0)
        _, user = _link_target(url)
        return receiver.name(user) if user else receiver.someone

    text = _MATRIX_TO.sub(link, text)
    text = _MATRIX_URI.sub(link, text)
    text = _BARE_USER.sub(lambda m: receiver.name(m.group(0)), text)
    for shown, name in sorted(names.items(), key=lambda item: -len(item[0])):
        # Not inside a longer latin word: a one-letter pill must not eat every "a".
        if len(shown) > 1 and shown != name:
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(shown)}(?![A-Za-z0-9])", name, text)
    return text


# HTML

# The Matrix client-server spec's allowed tags and attributes (m.room.message, "HTML").
# mx-reply is not kept: it is a reply fallback, and its content goes with it.
ALLOWED_TAGS = frozenset(
    {
        "font", "del", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "p", "a", "ul", "ol",
        "sup", "sub", "li", "b", "i", "u", "strong", "em", "s", "code", "hr", "br", "div",
        "table", "thead", "tbody", "tr", "th", "td", "caption", "pre", "span", "img",
        "details", "summary",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "font": {"data-mx-bg-color", "data-mx-color", "color"},
    "span": {"data-mx-bg-color", "data-mx-color", "data-mx-spoiler", "data-mx-maths"},
    "a": {"name", "target", "href"},
    "img": {"width", "height", "alt", "title", "src"},
    "ol": {"start"},
    "code": {"class"},
    "div": {"data-mx-maths"},
}
LINK_SCHEMES = ("http:", "https:", "mailto:")
# Removed with everything inside them, not only the tags.
_DROPPED_WITH_CONTENT = {"script", "style", "mx-reply", "iframe", "object", "embed", "template"}
_TAG = re.compile(r"(<[^>]*>)")
_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S)
_HREF = re.compile(r'\bhref="([^"]*)"')
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


def _attribute(receiver: Receiver) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, name: str, value: str) -> str | None:
        if name == "href":
            is_matrix, _ = _link_target(value)
            # A Matrix link is kept for now, to be turned into a name or its text below.
            return value if is_matrix or value.lower().startswith(LINK_SCHEMES) else None
        if name == "src":
            return value if value.startswith("mxc://") else None
        if name in ("color", "data-mx-color", "data-mx-bg-color"):
            return value if _COLOR.fullmatch(value) else None
        if name == "class":
            return value if re.fullmatch(r"language-[\w+#.-]+", value) else None
        if name in ("width", "height", "start"):
            return value if value.isdigit() else None
        return _plain(value, receiver, {})

    return keep


def sanitize_html(formatted: str, receiver: Receiver, names: dict[str, str]) -> str:
    """``formatted`` cut down to what the Matrix spec allows, users named for ``receiver``.

    The texts shown for pills and what replaced them are added to ``names``."""
    clean = nh3.clean(
        formatted,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes={tag: set(names_) for tag, names_ in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute(receiver),
        url_schemes={"http", "https", "mailto", "mxc", "matrix"},
        link_rel=None,
        strip_comments=True,
    )

    def anchor(match: re.Match[str]) -> str:
        href = _HREF.search(match.group(1))
        inner = match.group(2)
        if href is None:
            return match.group(0)
        is_matrix, user = _link_target(html.unescape(href.group(1)))
        if not is_matrix:
            return match.group(0)
        if user is None:
            return inner  # a room or event permalink: its text, without the link
        name = receiver.name(user)
        shown = html.unescape(_TAG.sub("", inner)).strip()
        if shown:
            names[shown] = name
        return html.escape(name, quote=False)

    clean = _ANCHOR.sub(anchor, clean).lstrip()
    # Bare user IDs in the text between tags.
    return "".join(
        part if part.startswith("<") else _escaped_plain(part, receiver)
        for part in _TAG.split(clean)
    )


def _escaped_plain(part: str, receiver: Receiver) -> str:
    if "@" not in part and "matrix" not in part.lower():
        return part
    return html.escape(_plain(html.unescape(part), receiver, {}), quote=False)

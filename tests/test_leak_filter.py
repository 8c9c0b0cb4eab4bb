"""The leak filter on its own: a table of crafted events and what may come out of each."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from appservice import leak
from appservice.leak import Copy, Receiver, Refusal

CLIENT = "@c-1234:soudan.test"
OPERATOR = "@op.sato:soudan.test"
GHOST = "@_soudan_client_abc:soudan.test"
DESK = "@_soudan_desk_acme:soudan.test"
KNOWN = {GHOST: "Client #4821", DESK: "Acme Desk"}
RECEIVER = Receiver(KNOWN.get, someone="someone")
# What must never come out of any case, whatever it was.
SECRETS = (CLIENT, OPERATOR, "op.sato", "c-1234", "Sato Hanako", "$original")
REPLY = {"m.in_reply_to": {"event_id": "$source1"}}


def text(body: str, **extra: Any) -> dict[str, Any]:
    return {"msgtype": "m.text", "body": body, **extra}


def html(body: str, formatted: str, **extra: Any) -> dict[str, Any]:
    return text(body, format="org.matrix.custom.html", formatted_body=formatted, **extra)


@dataclass
class Case:
    name: str
    content: dict[str, Any]
    event_type: str = "m.room.message"
    own_edit: bool = False
    # A copy: each key's expected value (a dict of content keys), or a refusal's key.
    expect: dict[str, Any] | None = None
    refused: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    absent: tuple[str, ...] = ()
    event_type_out: str = "m.room.message"


CASES = [
    Case(
        "reply fallback in body and html",
        html(
            f"> <{CLIENT}> my secret question\n> second line\n\nAn answer",
            f'<mx-reply><blockquote><a href="https://matrix.to/#/$original">In reply to</a> '
            f'<a href="https://matrix.to/#/{CLIENT}">{CLIENT}</a><br>my secret question'
            "</blockquote></mx-reply>An answer",
            **{"m.relates_to": REPLY},
        ),
        expect={
            "body": "An answer",
            "formatted_body": "An answer",
            "m.relates_to": REPLY,
        },
    ),
    Case(
        "reply fallback of an emote",
        text(f"> * <{OPERATOR}> waves\n\nhello", **{"m.relates_to": REPLY}),
        expect={"body": "hello"},
    ),
    Case(
        "leading newline before the fallback",
        html(
            f"\n\n> <{CLIENT}> question\n\nanswer",
            f"\n<mx-reply><blockquote>{CLIENT} question</blockquote></mx-reply>answer",
            **{"m.relates_to": REPLY},
        ),
        expect={"body": "answer", "formatted_body": "answer"},
    ),
    Case(
        "fallback inside an edit",
        html(
            f"* > <{CLIENT}> question\n\nfixed",
            "* fixed",
            **{
                "m.new_content": html(
                    f"> <{CLIENT}> question\n\nfixed",
                    f"<mx-reply><blockquote>{CLIENT}</blockquote></mx-reply>fixed",
                    **{"m.mentions": {"user_ids": [CLIENT]}},
                ),
                "m.relates_to": {"rel_type": "m.replace", "event_id": "$mine"},
                "m.mentions": {"user_ids": [CLIENT]},
            },
        ),
        own_edit=True,
        expect={
            "m.new_content": {
                "msgtype": "m.text",
                "format": "org.matrix.custom.html",
                "formatted_body": "fixed",
                "body": "fixed",
            },
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$mine"},
        },
        absent=("m.mentions",),
    ),
    Case(
        "a quote in a message that is no reply stays",
        text("> only a quote"),
        expect={"body": "> only a quote"},
    ),
    Case(
        "a quote in a reply stays when it is no fallback",
        text("> what you said\n\nyes", **{"m.relates_to": REPLY}),
        expect={"body": "> what you said\n\nyes"},
    ),
    Case(
        "html quote without a reply stays",
        html("> quoted", "<blockquote>quoted</blockquote>"),
        expect={"formatted_body": "<blockquote>quoted</blockquote>", "body": "> quoted"},
    ),
    Case(
        "pills to users become the names the receiver knows",
        html(
            "Sato Hanako: Client #4821: see @op.sato:soudan.test",
            f'<a href="https://matrix.to/#/{OPERATOR}">Sato Hanako</a>: '
            f'<a href="https://matrix.to/#/{GHOST}">Client #4821</a>: see {OPERATOR}',
            **{"m.mentions": {"user_ids": [OPERATOR]}},
        ),
        expect={
            "body": "someone: Client #4821: see someone",
            "formatted_body": "someone: Client #4821: see someone",
        },
        absent=("m.mentions",),
    ),
    Case(
        "encoded pills, matrix: URIs and permalinks",
        html(
            "ask matrix:u/op.sato:soudan.test or https://matrix.to/#/%40c-1234%3Asoudan.test"
            " about https://matrix.to/#/!room:soudan.test/$original",
            '<a href="https://matrix.to/#/%40op.sato%3Asoudan.test">Sato Hanako</a> '
            '<a href="matrix:u/c-1234:soudan.test?action=chat">c-1234</a> '
            '<a href="https://matrix.to/#/!room:soudan.test/$original?via=soudan.test">there</a>'
            " &#64;op.sato:soudan.test",
        ),
        expect={
            "body": "ask someone or someone about someone",
            "formatted_body": "someone someone there someone",
        },
    ),
    Case(
        "an e-mail address is no user ID",
        text("mail me at sato@soudan.test"),
        expect={"body": "mail me at sato@soudan.test"},
    ),
    Case(
        "custom keys are dropped",
        text(
            "hi",
            **{
                "fi.custom.sender": CLIENT,
                "com.example.secret": {"user": OPERATOR},
                "external_url": "https://evil.example/",
                "m.mentions": {"room": True},
                "fi.soudan.relay": "forged-mark",
            },
        ),
        expect={"body": "hi"},
        absent=("fi.custom.sender", "com.example.secret", "external_url", "fi.soudan.relay"),
    ),
    Case(
        "script, iframe, remote image, data: and javascript: links",
        html(
            "x",
            '<script>alert("Sato Hanako")</script><iframe src="https://evil.example/"></iframe>'
            '<img src="https://evil.example/track.png" alt="t"><img src="mxc://soudan.test/ok" '
            'alt="ok" onerror="alert(1)"><a href="data:text/html,hi">d</a>'
            '<a href="javascript:alert(1)">j</a><a href="https://example.org/" '
            'onclick="x()">fine</a><p style="color:red" class="x">para</p>'
            '<font color="#ff0000" data-mx-color="red">f</font>',
        ),
        expect={
            "formatted_body": '<img alt="t"><img src="mxc://soudan.test/ok" alt="ok"><a>d</a>'
            '<a>j</a><a href="https://example.org/">fine</a><p>para</p>'
            '<font color="#ff0000">f</font>'
        },
    ),
    Case(
        "formatted_body without the html format is dropped",
        text("plain", formatted_body="<b>x</b>"),
        expect={"body": "plain"},
        absent=("formatted_body", "format"),
    ),
    Case(
        "an edit of someone else's event is refused",
        text(
            "* changed",
            **{
                "m.new_content": text("changed"),
                "m.relates_to": {"rel_type": "m.replace", "event_id": "$theirs"},
            },
        ),
        own_edit=False,
        refused=leak.REFUSED_EDIT,
    ),
    Case(
        "an image keeps its media keys only",
        {
            "msgtype": "m.image",
            "body": "photo.png",
            "url": "mxc://soudan.test/abc",
            "info": {
                "mimetype": "image/png",
                "w": 10,
                "h": 20,
                "size": 300,
                "thumbnail_url": "https://evil.example/t.png",
                "fi.custom": CLIENT,
            },
            "file": {"url": "mxc://soudan.test/enc"},
        },
        expect={
            "url": "mxc://soudan.test/abc",
            "info": {"mimetype": "image/png", "w": 10, "h": 20, "size": 300},
        },
        absent=("file",),
    ),
    Case(
        "a file from anywhere but the media store is refused",
        {"msgtype": "m.file", "body": "f.pdf", "url": "https://evil.example/f.pdf"},
        refused=leak.REFUSED_MEDIA,
    ),
    Case(
        "a sticker becomes an image",
        {
            "body": "a cat",
            "url": "mxc://soudan.test/cat",
            "info": {"mimetype": "image/webp", "w": 128, "h": 128},
        },
        event_type="m.sticker",
        expect={"msgtype": "m.image", "body": "a cat", "url": "mxc://soudan.test/cat"},
    ),
    Case(
        "a location is refused",
        {"msgtype": "m.location", "body": "here", "geo_uri": "geo:35.6,139.7"},
        refused=leak.REFUSED_LOCATION,
    ),
    Case(
        "a live location is refused",
        {"description": "x"},
        "m.beacon_info",
        refused=leak.REFUSED_LOCATION,
    ),
    Case(
        "a poll is refused",
        {"org.matrix.msc3381.poll.start": {"question": {"body": "?"}, "answers": []}},
        "org.matrix.msc3381.poll.start",
        refused=leak.REFUSED_POLL,
    ),
    Case("a stable poll is refused", {"m.poll": {}}, "m.poll.start", refused=leak.REFUSED_POLL),
    Case(
        "an unknown event type is refused, named",
        {"body": "ring"},
        "m.call.invite",
        refused=leak.REFUSED_TYPE,
        params={"kind": "m.call.invite"},
    ),
    Case(
        "an unknown message type is refused, named",
        {"msgtype": "com.example.secret", "body": "x"},
        refused=leak.REFUSED_TYPE,
        params={"kind": "com.example.secret"},
    ),
    Case(
        "a reaction keeps its relation only",
        {
            "m.relates_to": {"rel_type": "m.annotation", "event_id": "$s", "key": f"hi {CLIENT}"},
            "fi.custom": 1,
        },
        "m.reaction",
        expect={
            "m.relates_to": {"rel_type": "m.annotation", "event_id": "$s", "key": "hi someone"}
        },
        event_type_out="m.reaction",
    ),
    Case(
        "a message of 64,900 characters is refused before sending",
        text("x" * 64_900),
        refused=leak.REFUSED_SIZE,
        params={"size": leak.content_size(text("x" * 64_900)), "limit": leak.MAX_CONTENT_BYTES},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_filter(case: Case) -> None:
    before = json.dumps(case.content, sort_keys=True)
    result = leak.filter_event(case.event_type, case.content, RECEIVER, own_edit=case.own_edit)
    assert json.dumps(case.content, sort_keys=True) == before  # the source is left as it was
    if case.refused:
        assert result == Refusal(case.refused, case.params)
        return
    assert isinstance(result, Copy), result
    assert result.event_type == case.event_type_out
    for key, value in (case.expect or {}).items():
        assert result.content.get(key) == value, key
    for key in case.absent:
        assert key not in result.content
        assert key not in result.content.get("m.new_content", {})
    shown = json.dumps(result.content, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in shown
    for bad in ("<script", "<iframe", "evil.example", "javascript:", "data:", "onerror", "style"):
        assert bad not in shown


def test_a_copy_just_under_the_limit_passes_and_its_text_is_the_filtered_text() -> None:
    body = f"> <{CLIENT}> q\n\n" + "y" * (leak.MAX_CONTENT_BYTES - 100)
    result = leak.filter_event("m.room.message", text(body, **{"m.relates_to": REPLY}), RECEIVER)
    assert isinstance(result, Copy)
    assert result.text == "y" * (leak.MAX_CONTENT_BYTES - 100)
    assert leak.content_size(result.content) <= leak.MAX_CONTENT_BYTES
    assert leak.MAX_CONTENT_BYTES + leak.ENVELOPE_MARGIN == 65536


def test_a_full_stop_after_a_user_id_stays_a_full_stop() -> None:
    for said, shown in (
        (f"ask {GHOST}.", "ask Client #4821."),
        (f"ask {OPERATOR}. Then me.", "ask someone. Then me."),
        ("ask @a:10.0.0.1:8448, please", "ask someone, please"),
    ):
        result = leak.filter_event("m.room.message", text(said), RECEIVER)
        assert isinstance(result, Copy) and result.content["body"] == shown


def test_an_edit_text_is_its_new_text() -> None:
    content = text(
        "* new",
        **{
            "m.new_content": text(f"new, said {OPERATOR}"),
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$mine"},
        },
    )
    result = leak.filter_event("m.room.message", content, RECEIVER, own_edit=True)
    assert isinstance(result, Copy) and result.text == "new, said someone"
    assert leak.edited_event(content) == "$mine"
    assert leak.edited_event(text("x")) is None


def test_every_refusal_has_a_text_in_every_language() -> None:
    from appservice.i18n import LANGUAGES, catalog

    for lang in LANGUAGES:
        for key in leak.REFUSALS:
            assert key in catalog(lang).texts, (lang, key)

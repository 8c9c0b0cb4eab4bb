"""The provisioning API for the board: its settings, and the moderators' audit view and actions
on topics and answers: the same service functions as the board commands in
``appservice/commands/board.py``; handlers only translate HTTP to them.

Callers are the platform token or the tenant's own admin token, who see what the tenant's
admins see: every topic and post, hidden ones included, and which operator wrote each answer;
never who posted a topic (the client's Matrix ID, nickname or the topic's ghost). Texts are
the stored ones, filtered for every reader of the board when posted, and filtered again here.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from appservice.db import Tenant
from appservice.db.post import Post
from appservice.db.topic import Topic
from appservice.i18n import Lang, t
from appservice.services import board, validate

from .api import body, context, ok, tenant_of


def _topic_json(tenant: Tenant, topic: Topic, answers: int) -> dict[str, Any]:
    """A topic as moderators see it: by its label and its poster alias only."""
    label = board.label(topic.number)
    lang: Lang = tenant.language
    return {
        "number": topic.number,
        "label": label,
        "alias": t(lang, "board.alias", topic=label),
        "body": board.shown_text(tenant, topic.body),
        "created_at": topic.created_at,
        "closed_at": topic.closed_at,
        "hidden_at": topic.hidden_at,
        "hidden_by": topic.hidden_by,
        "answers": answers,
    }


def _post_json(tenant: Tenant, topic: Topic, post: Post) -> dict[str, Any]:
    """An answer (with its operator and reference) or a follow-up by the topic's poster."""
    return {
        "kind": "answer" if post.is_answer else "follow_up",
        "number": post.number if post.is_answer else None,
        "ref": f"{topic.number}-{post.number}" if post.is_answer else None,
        "operator": post.operator_id,
        "body": board.shown_text(tenant, post.body),
        "created_at": post.created_at,
        "hidden_at": post.hidden_at,
        "hidden_by": post.hidden_by,
    }


async def _topic_detail(tenant: Tenant, topic: Topic) -> dict[str, Any]:
    posts = await Post.of_topic(topic.id, hidden=True)
    answers = sum(1 for post in posts if post.is_answer and not post.hidden)
    return {
        **_topic_json(tenant, topic, answers),
        "posts": [_post_json(tenant, topic, post) for post in posts],
    }


# Settings


async def get_settings(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    return ok(board.settings_of(tenant))


async def change_settings(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    changes = await body(request)
    tenant = await board.change_settings(ctx, tenant, changes)
    return ok(board.settings_of(tenant))


# Topics and answers


async def list_topics(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    page = validate.count(request.query.get("page", "1"), low=1, high=board.MAX_PAGE, what="page")
    listed, total = await board.all_topics(tenant, page)
    return ok(
        {
            "topics": [_topic_json(tenant, topic, answers) for topic, answers in listed],
            "total": total,
            "page": page,
        }
    )


async def get_topic(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    topic = await board.find_topic(tenant, request.match_info["number"])
    return ok(await _topic_detail(tenant, topic))


async def hide_topic(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    topic = await board.hide_topic(ctx, tenant, request.match_info["number"], ctx.az.bot_mxid)
    return ok(await _topic_detail(tenant, topic))


async def close_topic(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    topic = await board.set_closed(
        ctx, tenant, request.match_info["number"], True, ctx.az.bot_mxid
    )
    return ok(await _topic_detail(tenant, topic))


async def reopen_topic(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    topic = await board.set_closed(
        ctx, tenant, request.match_info["number"], False, ctx.az.bot_mxid
    )
    return ok(await _topic_detail(tenant, topic))


async def hide_answer(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    ref = request.match_info["ref"]
    await board.hide_answer(ctx, tenant, ref, ctx.az.bot_mxid)
    topic, post = await board.find_answer(tenant, ref)
    return ok(_post_json(tenant, topic, post))


def add_routes(app: web.Application) -> None:
    r = app.router
    b = "/tenants/{slug}/board"
    r.add_get(b, get_settings)
    r.add_patch(b, change_settings)
    r.add_get(f"{b}/topics", list_topics)
    r.add_get(f"{b}/topics/{{number}}", get_topic)
    r.add_post(f"{b}/topics/{{number}}/hide", hide_topic)
    r.add_post(f"{b}/topics/{{number}}/close", close_topic)
    r.add_post(f"{b}/topics/{{number}}/reopen", reopen_topic)
    r.add_post(f"{b}/answers/{{ref}}/hide", hide_answer)

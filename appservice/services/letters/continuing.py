"""After a package's last reply the client is asked whether to continue; their answer makes
a new package that waits for the payment, or ends."""

from __future__ import annotations

import logging
from typing import Any

from mautrix.types import EventID, RoomID

from ...bot import send_notice, txn_for
from ...context import Context
from ...db import Client, Package, Tenant
from ...db.package import DONE
from ...i18n import t
from .. import polls
from .showing import label, type_line
from .telling import tell_admins, tell_operator

log = logging.getLogger("soudan.letters")

CONTINUE, FINISH = "1", "2"


async def ask_to_continue(ctx: Context, tenant: Tenant, package: Package) -> None:
    client = await Client.get(package.client_id) if package.client_id else None
    if client is None or not client.room_id:
        return
    lang = tenant.language
    package.continue_poll = await polls.send_poll(
        ctx,
        tenant,
        client.room_id,
        t(lang, "letters.continue_question", count=package.replies),
        [(CONTINUE, t(lang, "letters.continue_yes")), (FINISH, t(lang, "letters.continue_no"))],
        t(lang, "letters.continue_fallback"),
        key=f"continue-{package.id}",
    )
    await package.save()


async def take_continue_answer(
    ctx: Context, tenant: Tenant, client: Client, package: Package | None, raw: dict[str, Any]
) -> bool:
    """The client's answer to "continue?" (a poll answer or a lone 1 or 2) about ``package``,
    their current one. Continuing makes a package that waits for the payment; True when the
    event was the answer."""
    event_id = EventID(raw["event_id"])
    if raw["type"] in polls.POLL_RESPONSES or polls.chosen_answer(raw, event_id) in (
        CONTINUE,
        FINISH,
    ):
        answered = await Package.answered_by(event_id)
        if answered is not None:  # handled before, perhaps not to the end: say it again
            await _answered(ctx, tenant, raw, *answered)
            return True
    if package is None or package.status != DONE or package.continue_poll is None:
        return False
    value = polls.chosen_answer(raw, package.continue_poll)
    if value not in (CONTINUE, FINISH):
        return raw["type"] in polls.POLL_RESPONSES
    alias = client.alias or package.client_alias
    made = await package.answer(event_id, value == CONTINUE, alias, ctx.clock.now_ms())
    if made is not None:
        await _answered(ctx, tenant, raw, package, made if made is not package else None)
    return True


async def _answered(
    ctx: Context, tenant: Tenant, raw: dict[str, Any], package: Package, new: Package | None
) -> None:
    """Tell everyone what the answer to "continue?" did. Every notice has a transaction ID
    from the answer, so saying it again after a crash sends nothing twice."""
    lang = tenant.language
    room = RoomID(raw["room_id"])
    if new is None:
        await send_notice(
            ctx.desk(tenant.slug),
            room,
            t(lang, "letters.finished_client"),
            txn_id=txn_for(raw["event_id"], "letters-finish"),
        )
        if package.operator_id:
            await tell_operator(
                ctx,
                tenant,
                package,
                t(lang, "letters.finished_operator", package=label(package.number)),
                f"finish-{package.id}",
            )
        return
    log.info("Package %s of tenant %s asked for; payment pending", new.number, tenant.slug)
    await send_notice(
        ctx.desk(tenant.slug),
        room,
        t(lang, "letters.continue_client", package=label(new.number)),
        txn_id=txn_for(raw["event_id"], "letters-continue"),
    )
    await tell_admins(
        ctx,
        tenant,
        t(
            lang,
            "letters.continue_admin",
            alias=new.client_alias,
            package=label(new.number),
            previous=label(package.number),
            terms=type_line(lang, new),
        ),
        f"continue-{new.id}",
    )
    if new.operator_id:
        await tell_operator(
            ctx,
            tenant,
            new,
            t(lang, "letters.continue_operator", package=label(new.number)),
            f"continue-{new.id}",
        )

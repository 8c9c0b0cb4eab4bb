"""A client choosing their counselor: the list they choose from and their choice, which is a
nomination for chat cases, or the counselor of a letter package that needs one, or a member
who answered them on the board."""

from __future__ import annotations

from dataclasses import dataclass

from mautrix.types import EventID

from ..context import Context
from ..db import Client, OperatorState, Tenant
from . import board, letters, routing
from .errors import not_found


async def nominable(tenant: Tenant, client: Client) -> list[OperatorState]:
    """Whom the client may nominate: their letter package's counselors while it needs one,
    else the operators taking nominations."""
    if await letters.needs_counselor(client):
        return await letters.nominable(tenant, client)
    return await routing.nominable(tenant, client)


@dataclass(frozen=True)
class Nominated:
    name: str
    counselor: bool  # chosen as the letter package's counselor, not nominated for a chat


async def client_nominates(
    ctx: Context, tenant: Tenant, client: Client, ref: str, source: EventID
) -> Nominated:
    """A number from the nomination list, or an answer on the board ("42-2")."""
    if "-" in ref:
        topic, post = await board.find_answer(tenant, ref)
        if post.hidden or topic.hidden or post.operator_id is None:
            raise not_found("board.unknown_answer", ref=ref[:20])
        chosen = await board.nominate(ctx, tenant, client, post.operator_id, source)
        return Nominated(chosen.profile_name or "", counselor=False)
    package = await letters.needs_counselor(client)
    if package is not None:
        name = await letters.choose_counselor(ctx, tenant, client, package, ref)
        return Nominated(name, counselor=True)
    state = await routing.nominate(ctx, tenant, client, ref)
    return Nominated(state.profile_name or "", counselor=False)

"""The hook tables: what the features do when an operator or a client leaves or a case is
closed, run by the part that owns the happening (pure logic, no homeserver)."""

from __future__ import annotations

from typing import Any, cast

import pytest

from appservice import hooks
from appservice.context import Context
from appservice.services import letters, routing, sessions


async def test_handlers_run_in_the_order_added_with_the_context_and_arguments() -> None:
    calls: list[tuple[str, Any, tuple[Any, ...]]] = []

    def recorder(name: str) -> hooks.Hook:
        async def handler(ctx: Any, *args: Any) -> None:
            calls.append((name, ctx, args))

        return handler

    table = hooks.Hooks()
    table.on(hooks.OPERATOR_LEFT, recorder("first"))
    table.on(hooks.CLIENT_LEFT, recorder("other"))
    table.on(hooks.OPERATOR_LEFT, recorder("second"))
    ctx = cast(Context, object())
    await table.run(hooks.OPERATOR_LEFT, ctx, "tenant", "@op:example.org")
    assert calls == [
        ("first", ctx, ("tenant", "@op:example.org")),
        ("second", ctx, ("tenant", "@op:example.org")),
    ]
    await table.run(hooks.CASE_CLOSED, ctx, "tenant", "case")  # nobody listens: no-op
    assert len(calls) == 2


async def test_a_failing_handler_stops_the_rest_as_a_direct_call_would() -> None:
    ran: list[str] = []

    async def fails(ctx: Any, *args: Any) -> None:
        raise RuntimeError("boom")

    async def later(ctx: Any, *args: Any) -> None:
        ran.append("later")

    table = hooks.Hooks()
    table.on(hooks.CLIENT_LEFT, fails)
    table.on(hooks.CLIENT_LEFT, later)
    with pytest.raises(RuntimeError):
        await table.run(hooks.CLIENT_LEFT, cast(Context, object()), "tenant", "client")
    assert ran == []


def test_the_features_list_their_clean_up_in_their_tables() -> None:
    assert sessions.HOOKS == {
        hooks.OPERATOR_LEFT: sessions.operator_left,
        hooks.CLIENT_LEFT: sessions.client_left,
    }
    assert letters.HOOKS == {hooks.OPERATOR_LEFT: letters.operator_left}
    assert routing.HOOKS == {
        hooks.CASE_CLOSED: routing.case_closed,
        hooks.OPERATOR_LEFT: routing.operator_left,
    }

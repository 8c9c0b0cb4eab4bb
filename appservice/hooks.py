"""What the features do when something another part owns happens: an operator or a client
leaves a tenant, a case is closed.

The part that owns the happening runs the hooks; the features that react list their handlers
in a ``HOOKS`` table, and the program adds them at start (as it does timers). So ``tenants``
and ``clients`` need not import the features above them that clean up after a departure."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .context import Context

OPERATOR_LEFT = "operator_left"  # (tenant, operator's user ID): removed as an operator
CLIENT_LEFT = "client_left"  # (tenant, client): the client's account is gone
CASE_CLOSED = "case_closed"  # (tenant, case)

Hook = Callable[..., Awaitable[Any]]


class Hooks:
    def __init__(self) -> None:
        self.handlers: dict[str, list[Hook]] = {}

    def on(self, event: str, handler: Hook) -> None:
        self.handlers.setdefault(event, []).append(handler)

    async def run(self, event: str, ctx: Context, *args: Any) -> None:
        """Each handler in the order added; one that fails stops the others, as a direct call
        would."""
        for handler in self.handlers.get(event, []):
            await handler(ctx, *args)

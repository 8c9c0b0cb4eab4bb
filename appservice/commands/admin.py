"""Admin room commands: a tenant admin manages clients, operators, groups and notices."""

from __future__ import annotations

from mautrix.types import UserID

from ..db import OPERATOR
from ..services import clients, shown_once, staff, tenants
from .handler import CommandEvent, Place, UsageError, command
from .staff import ended_note
from .staff import show_secret as _show_secret


@command("add-client", Place.ADMIN, "clients")
async def add_client(evt: CommandEvent) -> None:
    if len(evt.args) not in (1, 2):
        raise UsageError
    group = evt.args[1] if len(evt.args) == 2 else None
    account = await clients.add_client(evt.ctx, evt.the_tenant, evt.arg(0), group)
    details = evt.t(
        "client.added",
        nickname=account.client.nickname,
        homeserver=evt.ctx.config.public_address,
        user_id=account.client.user_id,
        password=account.password,
    )
    await _show_secret(evt, details)


@command("clients", Place.ADMIN, "clients")
async def list_clients(evt: CommandEvent) -> None:
    found = await clients.list_clients(evt.the_tenant)
    if not found:
        await evt.reply(evt.t("client.none"))
        return
    anonymous = evt.t("client.voucher_label")
    lines = [evt.t("client.list", count=len(found))]
    lines += [f"  {c.nickname or anonymous} {c.user_id}" for c in found]
    await evt.reply("\n".join(lines))


@command("reset-password", Place.ADMIN, "clients")
async def reset_password(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    client, password = await clients.reset_password(evt.ctx, evt.the_tenant, evt.arg(0))
    details = evt.t(
        "client.reset",
        client=client.label,
        homeserver=evt.ctx.config.public_address,
        user_id=client.user_id,
        password=password,
    )
    await _show_secret(evt, details)


@command("remove-client", Place.ADMIN, "clients")
async def remove_client(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    client = await clients.remove_client(evt.ctx, evt.the_tenant, evt.arg(0))
    await evt.reply(evt.t("client.removed", client=client.label))


@command("vouchers", Place.ADMIN, "clients")
async def vouchers(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    issued = await clients.issue_vouchers(evt.ctx, evt.the_tenant, evt.arg(0))
    notice = evt.t("voucher.issued", count=len(issued))
    await evt.reply(f"{notice}\n{shown_once.files_note(evt.lang)}")
    await clients.deliver_voucher_files(evt.ctx, evt.the_tenant, issued)


@command("add-operator", Place.ADMIN, "operators")
async def add_operator(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    await staff.add_operator(evt.ctx, evt.the_tenant, UserID(evt.arg(0)))
    await evt.reply(evt.t("operator.added", user_id=evt.arg(0)))


@command("remove-operator", Place.ADMIN, "operators")
async def remove_operator(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    user_id = await staff.who(evt.the_tenant, evt.arg(0))
    finished = await staff.remove_operator(evt.ctx, evt.the_tenant, user_id)
    later = "" if finished else "\n" + evt.t("staff.removal_later")
    ended = await ended_note(evt, user_id)
    await evt.reply(evt.t("operator.removed", user_id=evt.arg(0)) + ended + later)


@command("operators", Place.ADMIN, "operators")
async def list_operators(evt: CommandEvent) -> None:
    tenant = evt.the_tenant
    operators = await tenant.members(OPERATOR)
    if not operators:
        await evt.reply(evt.t("operator.none"))
        return
    seats = evt.t("operator.seats", limit=tenant.seat_limit) if tenant.seat_limit else ""
    lines = [evt.t("operator.list", count=len(operators), seats=seats)]
    await evt.reply("\n".join(lines + [f"  {user_id}" for user_id in operators]))


@command("create-group", Place.ADMIN, "groups")
async def create_group(evt: CommandEvent) -> None:
    if not evt.args:
        raise UsageError
    group = await clients.create_group(evt.ctx, evt.the_tenant, evt.rest(0))
    key = "group.created" if evt.the_tenant.group_chat else "group.created_notices"
    await evt.reply(evt.t(key, group=group.name))


@command("rename-group", Place.ADMIN, "groups")
async def rename_group(evt: CommandEvent) -> None:
    if len(evt.args) != 2:
        raise UsageError
    group = await clients.rename_group(evt.ctx, evt.the_tenant, evt.arg(0), evt.arg(1))
    await evt.reply(evt.t("group.renamed", group=group.name))


@command("delete-group", Place.ADMIN, "groups")
async def delete_group(evt: CommandEvent) -> None:
    if not evt.args:
        raise UsageError
    group = await clients.delete_group(evt.ctx, evt.the_tenant, evt.rest(0))
    await evt.reply(evt.t("group.deleted", group=group.name))


@command("group-add", Place.ADMIN, "groups")
async def group_add(evt: CommandEvent) -> None:
    if len(evt.args) != 2:
        raise UsageError
    group = await clients.add_member(evt.ctx, evt.the_tenant, evt.arg(0), evt.arg(1))
    await evt.reply(evt.t("group.member_added", client=evt.arg(1), group=group.name))


@command("group-remove", Place.ADMIN, "groups")
async def group_remove(evt: CommandEvent) -> None:
    if len(evt.args) != 2:
        raise UsageError
    group = await clients.remove_member(evt.ctx, evt.the_tenant, evt.arg(0), evt.arg(1))
    await evt.reply(evt.t("group.member_removed", client=evt.arg(1), group=group.name))


@command("groups", Place.ADMIN, "groups")
async def list_groups(evt: CommandEvent) -> None:
    found = await clients.list_groups(evt.the_tenant)
    if not found:
        await evt.reply(evt.t("group.none"))
        return
    lines = [
        evt.t(
            "group.line",
            group=group.name,
            count=len(members),
            members=", ".join(m.label for m in members) or "-",
        )
        for group, members in found
    ]
    await evt.reply("\n".join(lines))


@command("broadcast", Place.ADMIN, "notices")
async def broadcast(evt: CommandEvent) -> None:
    if not evt.args:
        raise UsageError
    count = await clients.broadcast(evt.ctx, evt.the_tenant, evt.rest(0))
    await evt.reply(evt.t("broadcast.sent", count=count))


@command("broadcast-group", Place.ADMIN, "notices")
async def broadcast_group(evt: CommandEvent) -> None:
    if len(evt.args) < 2:
        raise UsageError
    count = await clients.broadcast(evt.ctx, evt.the_tenant, evt.rest(1), group=evt.arg(0))
    await evt.reply(evt.t("broadcast.sent", count=count))


@command("set-greeting", Place.ADMIN, "settings")
async def set_greeting(evt: CommandEvent) -> None:
    if not evt.args:
        raise UsageError
    await tenants.change_settings(evt.ctx, evt.the_tenant, {"greeting": evt.rest(0)})
    await evt.reply(evt.t("setting.greeting"))


@command("set-preview", Place.ADMIN, "settings")
async def set_preview(evt: CommandEvent) -> None:
    await tenants.change_settings(evt.ctx, evt.the_tenant, {"preview": evt.on_off()})
    await evt.reply(evt.t(f"setting.preview_{evt.arg(0).lower()}"))


@command("set-personas", Place.ADMIN, "settings")
async def set_personas(evt: CommandEvent) -> None:
    await tenants.change_settings(evt.ctx, evt.the_tenant, {"personas": evt.on_off()})
    await evt.reply(evt.t(f"setting.personas_{evt.arg(0).lower()}"))


@command("set-group-chat", Place.ADMIN, "settings")
async def set_group_chat(evt: CommandEvent) -> None:
    await tenants.change_settings(evt.ctx, evt.the_tenant, {"group_chat": evt.on_off()})
    await evt.reply(evt.t(f"setting.group_chat_{evt.arg(0).lower()}"))

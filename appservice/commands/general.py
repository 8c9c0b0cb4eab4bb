from __future__ import annotations

from .handler import CommandEvent, Place, UsageError, command, commands_at, get_command


@command("help", Place.ANY)
async def help_(evt: CommandEvent) -> None:
    if len(evt.args) > 1:
        raise UsageError
    available = commands_at(evt.place)
    if evt.args:
        cmd = get_command(evt.args[0].lstrip("!").lower())
        if cmd is None or cmd not in available:
            await evt.reply(evt.t("refuse.unknown_command", name=evt.args[0]))
            return
        await evt.reply(f"{cmd.usage(evt.lang, evt.place)}\n{cmd.help(evt.lang)}")
        return
    lines = [evt.t("help.header")]
    for section in dict.fromkeys(cmd.section for cmd in available):
        lines.append(f"\n{evt.t(f'help.section.{section}')}")
        lines += [
            f"  {cmd.usage(evt.lang, evt.place)} — {cmd.help(evt.lang)}"
            for cmd in available
            if cmd.section == section
        ]
    await evt.reply("\n".join(lines))

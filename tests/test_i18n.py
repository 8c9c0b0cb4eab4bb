"""Every text exists in Japanese and English with the same placeholders, and every command
has its help and the refusal for a wrong room (pure checks, no homeserver)."""

from __future__ import annotations

import string

from appservice.commands.handler import _commands, all_commands
from appservice.i18n import LANGUAGES, MESSAGES


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_in_both_languages_with_the_same_placeholders() -> None:
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts[lang].strip() for lang in LANGUAGES), key
        assert _fields(texts["ja"]) == _fields(texts["en"]), key


def test_every_command_has_help_a_section_and_a_wrong_room_answer() -> None:
    assert "unanswered" in _commands and "hide-topic" in _commands
    commands = all_commands()
    assert [cmd for cmd in commands if cmd.for_clients]
    for command in commands:
        name = command.name
        assert command.help_key in MESSAGES, command.help_key
        assert f"help.section.{command.section}" in MESSAGES, name
        if command.for_clients:
            # A client's room knows only its own commands: elsewhere the line is a message.
            # Its usage is its room's line, never an operator's command's of the same name.
            place = command.places[0].value
            assert f"help.header.{place}" in MESSAGES and f"help.footer.{place}" in MESSAGES
            args = f"cmd.{name}.args.{place}"
            expected = f"!{name} {MESSAGES[args]['en']}" if args in MESSAGES else f"!{name}"
            assert command.usage("en") == expected, name
        else:
            assert f"refuse.role.{command.places[0].value}" in MESSAGES or name == "help", name

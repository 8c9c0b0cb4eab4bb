"""Every text exists in Japanese and English with the same placeholders, and every command
has its help and the refusal for a wrong room (pure checks, no homeserver)."""

from __future__ import annotations

import string

from appservice.commands.handler import _commands
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
    for name, command in _commands.items():
        assert f"cmd.{name}" in MESSAGES, name
        assert f"help.section.{command.section}" in MESSAGES, name
        assert f"refuse.role.{command.places[0].value}" in MESSAGES or name == "help", name

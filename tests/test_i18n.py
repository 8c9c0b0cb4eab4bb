"""Every text exists in every language's catalog with the same placeholders, plural entries have
every form their language needs, and every command has its help and the refusal for a wrong
room (pure checks, no homeserver)."""

from __future__ import annotations

import string
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from ruamel.yaml import YAML

from appservice import i18n
from appservice.commands.handler import _commands, all_commands
from appservice.i18n import LANGUAGES, LOCALE_DIR, catalog_path, has, t

OPENAPI = Path(__file__).resolve().parents[1] / "provisioning" / "openapi.yaml"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _catalog(lang: str) -> Catalog:
    with catalog_path(lang).open("rb") as file:
        return read_po(file)


def _forms(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    return {
        message.id if isinstance(message.id, str) else message.id[0]: (
            (message.string,) if isinstance(message.string, str) else tuple(message.string)
        )
        for message in catalog
        if message.id
    }


def test_one_catalog_for_each_language_and_no_other() -> None:
    found = {path.parent.parent.name for path in LOCALE_DIR.glob("*/LC_MESSAGES/soudan.po")}
    assert found == set(LANGUAGES)


def test_the_api_documents_the_same_languages() -> None:
    document = YAML(typ="safe").load(OPENAPI.read_text("utf-8"))
    assert tuple(document["components"]["schemas"]["Language"]["enum"]) == LANGUAGES


def test_every_text_in_every_language_with_the_same_placeholders() -> None:
    catalogs = {lang: _catalog(lang) for lang in LANGUAGES}
    texts = {lang: _forms(catalog) for lang, catalog in catalogs.items()}
    first = LANGUAGES[0]
    assert len(texts[first]) > 700
    for lang in LANGUAGES:
        assert catalogs[lang].locale_identifier == lang
        assert set(texts[lang]) == set(texts[first]), lang
    for key, forms in texts[first].items():
        plural = catalogs[first][key].pluralizable
        for lang in LANGUAGES:
            message = catalogs[lang][key]
            assert message is not None, (lang, key)
            assert message.pluralizable == plural, (lang, key)
            if plural:
                # As many forms as the language has, and each says how many.
                assert len(texts[lang][key]) == catalogs[lang].num_plurals, (lang, key)
                assert all("count" in _fields(form) for form in texts[lang][key]), (lang, key)
            assert all(form.strip() for form in texts[lang][key]), (lang, key)
            for form in texts[lang][key]:
                assert _fields(form) == _fields(forms[-1]), (lang, key)


def test_english_plural_forms() -> None:
    issued = t("en", "voucher.issued", count=1)
    assert issued.startswith("Issued 1 voucher. ")
    assert t("en", "voucher.issued", count=2).startswith("Issued 2 vouchers. ")
    assert t("en", "voucher.issued", count=0).startswith("Issued 0 vouchers. ")
    assert t("en", "board.age_days", count=1) == "1 day ago"
    assert t("en", "board.age_days", count=2) == "2 days ago"
    assert t("ja", "board.age_days", count=1) == "1 日前"
    assert t("ja", "board.age_days", count=2) == "2 日前"
    assert t("en", "history.exported", count=1, name="x.csv") == "Exported 1 case to x.csv."


def test_texts_without_a_count_and_optional_keys() -> None:
    assert t("en", "refuse.unknown_command", name="x") == (
        "There is no command “x”. Send !help to see the commands."
    )
    assert has("help.header") and not has("help.no-such-text")


def test_dates_numbers_and_money_in_the_language() -> None:
    friday = date(2026, 11, 27)
    assert i18n.day("ja", friday) == "2026-11-27 (金)"
    assert i18n.day("en", friday) == "2026-11-27 (Fri)"
    at = datetime(2026, 11, 27, 14, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert i18n.moment("en", at) == "2026-11-27 14:30"
    assert i18n.number("en", 12000) == "12,000" == i18n.number("ja", 12000)
    assert i18n.money("en", 28000, "JPY") == "28,000 JPY"
    assert i18n.money("ja", 0, "JPY") == "0 JPY"


def test_every_command_has_help_a_section_and_a_wrong_room_answer() -> None:
    assert "unanswered" in _commands and "hide-topic" in _commands
    commands = all_commands()
    assert [cmd for cmd in commands if cmd.for_clients]
    for command in commands:
        name = command.name
        assert has(command.help_key), command.help_key
        assert has(f"help.section.{command.section}"), name
        if command.for_clients:
            # A client's room knows only its own commands: elsewhere the line is a message.
            # Its usage is its room's line, never an operator's command's of the same name.
            place = command.places[0].value
            assert has(f"help.header.{place}") and has(f"help.footer.{place}"), name
            args = f"cmd.{name}.args.{place}"
            expected = f"!{name} {t('en', args)}" if has(args) else f"!{name}"
            assert command.usage("en") == expected, name
        else:
            assert has(f"refuse.role.{command.places[0].value}") or name == "help", name


def test_the_api_answers_in_the_first_language_asked_for_that_soudan_speaks() -> None:
    from aiohttp.test_utils import make_mocked_request

    from provisioning import api

    def lang(header: str | None) -> str:
        headers = {"Accept-Language": header} if header is not None else {}
        return api._lang(make_mocked_request("GET", "/", headers=headers))

    assert lang(None) == "en" and lang("fr") == "en" and lang("") == "en"
    assert lang("ja") == "ja" and lang("ja-JP,en;q=0.5") == "ja"
    assert lang("en-US,ja;q=0.8") == "en" and lang("fr-FR, ja;q=0.5") == "ja"

"""Texts shown to users, in every language a tenant (or the platform) can choose."""

from __future__ import annotations

from typing import Literal

Lang = Literal["ja", "en"]
LANGUAGES: tuple[Lang, ...] = ("ja", "en")

MESSAGES: dict[str, dict[Lang, str]] = {
    "control.name": {"ja": "soudan 管理室", "en": "soudan control room"},
    "control.topic": {
        "ja": "プラットフォーム管理用のコマンドルームです。!help でコマンド一覧を表示します。",
        "en": "Platform administration commands. Send !help for the list.",
    },
    "control.welcome": {
        "ja": "soudan 管理室へようこそ。!help でコマンド一覧を表示します。",
        "en": "Welcome to the soudan control room. Send !help to see the commands.",
    },
    "refuse.not_admin": {
        "ja": "このボットはプラットフォーム管理者のコマンドだけを受け付けます。",
        "en": "This bot takes commands from platform administrators only.",
    },
    "refuse.use_control": {
        "ja": "プラットフォーム管理のコマンドは管理室で送ってください。",
        "en": "Send platform commands in the control room.",
    },
    "refuse.unknown_command": {
        "ja": "「{name}」というコマンドはありません。!help で一覧を表示します。",
        "en": "There is no command “{name}”. Send !help to see the commands.",
    },
    "refuse.failed": {
        "ja": "コマンドの実行中にエラーが起きました。変更は行われていません。",
        "en": "Something went wrong while running the command; nothing was changed.",
    },
    "help.header": {"ja": "使えるコマンド:", "en": "Commands you can use:"},
    "help.usage": {"ja": "使い方: {usage}", "en": "Usage: {usage}"},
    "help.section.general": {"ja": "全般", "en": "General"},
    "cmd.help": {
        "ja": "コマンドの一覧、または一つのコマンドの説明を表示します",
        "en": "Show the commands, or the help of one command",
    },
    "cmd.help.args": {"ja": "[コマンド]", "en": "[command]"},
}


def t(lang: Lang, key: str, **params: object) -> str:
    text = MESSAGES[key][lang]
    return text.format(**params) if params else text

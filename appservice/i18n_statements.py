"""Texts of monthly statements: the lines' wording, the notices that carry the files, the
admin commands and their refusals."""

from __future__ import annotations

from typing import Literal

MESSAGES: dict[str, dict[Literal["ja", "en"], str]] = {
    "help.section.statements": {"ja": "明細", "en": "Statements"},
    # Commands
    "cmd.statements": {
        "ja": "担当者ごとの月次明細の一覧（月を指定するとその月だけ。プライベートルームでは自分の分）",
        "en": "The counselors' monthly statements (of one month, if given; your own in your private room)",
    },
    "cmd.statements.args": {"ja": "[YYYY-MM]", "en": "[YYYY-MM]"},
    "cmd.statement-make": {
        "ja": "終わった月の担当者の明細を作り（下書きなら作り直し）、担当者とこの部屋に送ります",
        "en": "Make a counselor's statement of a month that is over (again, while it is a draft) and send it to them and here",
    },
    "cmd.statement-make.args": {"ja": "@担当者 YYYY-MM", "en": "@operator YYYY-MM"},
    "cmd.statement": {
        "ja": "明細の PDF・Excel・CSV をこの部屋にもう一度送ります",
        "en": "Send a statement's PDF, spreadsheet and CSV here again",
    },
    "cmd.statement.args": {"ja": "<S番号>", "en": "<S-number>"},
    "cmd.statement-paid": {
        "ja": "送付済みの明細を支払済みにします",
        "en": "Record that a sent statement was paid",
    },
    "cmd.statement-paid.args": {"ja": "<S番号>", "en": "<S-number>"},
    # Lines, as the files show them
    "statements.item.session": {
        "ja": "セッション（{minutes} 分）",
        "en": "Session ({minutes} min)",
    },
    "statements.item.no_show": {
        "ja": "セッション（{minutes} 分・無断欠席）",
        "en": "Session ({minutes} min, no-show)",
    },
    "statements.item.package": {
        "ja": "手紙相談パッケージ {name}（返信 {replies} 回）",
        "en": "Letter package {name} ({replies} replies)",
    },
    "statements.status.draft": {"ja": "下書き", "en": "draft"},
    "statements.status.sent": {"ja": "送付済み", "en": "sent"},
    "statements.status.paid": {"ja": "支払済み", "en": "paid"},
    # Notices with the files
    "statements.yours": {
        "ja": "{month} の明細 {statement}: {lines} 件、合計 {total}。PDF・Excel・CSV をお送りします。",
        "en": "Your statement {statement} for {month}: {lines} line(s), total {total}. The PDF, spreadsheet and CSV follow.",
    },
    "statements.made": {
        "ja": "明細 {statement}（{operator}、{month}）: {lines} 件、合計 {total}。",
        "en": "Statement {statement} ({operator}, {month}): {lines} line(s), total {total}.",
    },
    # Answers
    "statements.none": {"ja": "明細はありません。", "en": "No statements."},
    "statements.header": {"ja": "明細（{count} 件）:", "en": "Statements ({count}):"},
    "statements.line": {
        "ja": "{statement} · {operator} · {month} · {status} · {total}（{lines} 件）",
        "en": "{statement} · {operator} · {month} · {status} · {total} ({lines} line(s))",
    },
    "statements.sent": {
        "ja": "明細 {statement} を作成し、担当者とこの部屋に送りました。",
        "en": "Statement {statement} made and sent to the counselor and here.",
    },
    "statements.paid": {
        "ja": "明細 {statement} を支払済みにしました。",
        "en": "Statement {statement} is recorded as paid.",
    },
    # Refusals
    "statements.unknown": {
        "ja": "明細 {statement} はありません。",
        "en": "There is no statement {statement}.",
    },
    "statements.not_sent": {
        "ja": "明細 {statement} はまだ送付されていないため、支払済みにできません。変更はありません。",
        "en": "Statement {statement} has not been sent yet, so it cannot be paid; nothing changed.",
    },
    "statements.already_paid": {
        "ja": "明細 {statement} はすでに支払済みです。変更はありません。",
        "en": "Statement {statement} is already paid; nothing changed.",
    },
    "statements.already_sent": {
        "ja": "この月の明細 {statement} はすでに{state}のため作り直せません。「!statement {statement}」でファイルをもう一度送れます。",
        "en": "The statement of that month, {statement}, is already {state} and stays as it is; “!statement {statement}” sends its files again.",
    },
    "statements.month_not_over": {
        "ja": "{month} はまだ終わっていません。明細は終わった月について作ります。",
        "en": "The month {month} is not over yet; a statement covers a whole month.",
    },
}

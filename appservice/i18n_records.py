"""Texts of operator permissions, templates, client and case records and the history."""

from __future__ import annotations

from typing import Literal

MESSAGES: dict[str, dict[Literal["ja", "en"], str]] = {
    "help.section.permissions": {"ja": "権限", "en": "Permissions"},
    "help.section.templates": {"ja": "テンプレート", "en": "Templates"},
    "help.section.records": {"ja": "記録", "en": "Records"},
    "help.section.history": {"ja": "履歴", "en": "History"},
    "refuse.role.private": {
        "ja": "!{name} は自分専用ルーム（スタッフルームで !private）で使うコマンドです。",
        "en": "!{name} is used in your private room (send !private in the staff room).",
    },
    # Permissions
    "perm.header": {"ja": "{user_id} の設定:", "en": "Settings of {user_id}:"},
    "perm.bad_key": {
        "ja": "「{setting}」という設定はありません。使える設定: {options}",
        "en": "There is no setting “{setting}”. Settings: {options}",
    },
    "perm.bad_value": {
        "ja": "{setting} に「{value}」は使えません。使える値: {options}",
        "en": "{setting} cannot be “{value}”. Use one of: {options}",
    },
    "perm.tags_needed": {
        "ja": "タグで絞る場合は、タグを1つ以上指定してください（例: scope=tags:vip,要注意）。",
        "en": "A tag scope needs at least one tag (for example scope=tags:vip,urgent).",
    },
    "perm.bad_tag": {
        "ja": "タグ「{value}」は使えません（空白とカンマなし、{max} 文字まで）。",
        "en": "“{value}” cannot be a tag (no spaces or commas, at most {max} characters).",
    },
    "perm.view_only": {
        "ja": "送信されませんでした: あなたの権限は閲覧のみです。",
        "en": "Not sent: your access is view only.",
    },
    "perm.templates_only": {
        "ja": "送信されませんでした: あなたはテンプレートだけを送れます（!templates で一覧、!t <名前> で送信）。",
        "en": "Not sent: you may send templates only (!templates lists them, !t <name> sends one).",
    },
    "perm.no_notes": {
        "ja": "利用者のメモとタグを扱う権限がありません。",
        "en": "You are not allowed to see or change client notes and tags.",
    },
    "private.room_name": {"ja": "{tenant}（自分専用）", "en": "{tenant} (private)"},
    "private.room_topic": {
        "ja": "あなたとボットだけのルームです。通知、検索、書き出しはここに届きます。",
        "en": "Only you and the bot: notices, searches and exports arrive here.",
    },
    "private.welcome": {
        "ja": "ここはあなた専用のルームです。!help で使えるコマンドを表示します。",
        "en": "This is your private room. Send !help to see what you can do here.",
    },
    "private.opened": {
        "ja": "あなた専用のルームに招待しました。",
        "en": "Your private room is ready; look for the invite.",
    },
    "notify.new_case": {
        "ja": "新しい相談 #{number}（{alias}）が待っています。",
        "en": "New case #{number} ({alias}) is waiting.",
    },
    "notify.assigned": {
        "ja": "相談 #{number}（{alias}）があなたの担当になりました。",
        "en": "Case #{number} ({alias}) is now yours.",
    },
    "notify.message": {
        "ja": "相談 #{number}（{alias}）に新しいメッセージがあります。",
        "en": "New message in case #{number} ({alias}).",
    },
    "persona.fixed_official": {
        "ja": "あなたは公式のペルソナだけを使う設定です。",
        "en": "You always speak as the official persona.",
    },
    "persona.fixed_personal": {
        "ja": "あなたは個人のペルソナだけを使う設定です。",
        "en": "You always speak as your personal persona.",
    },
    "case.waiting_anonymous": {
        "ja": "新しい相談 #{number} が待っています。!queue で自分が担当できる相談を確認できます。",
        "en": "New case #{number} is waiting. Send !queue to see the cases you may take.",
    },
    "case.queue_private": {
        "ja": "待っている相談の一覧を、あなた専用のルームに送りました。",
        "en": "The queue is in your private room.",
    },
    "case.out_of_scope": {
        "ja": "相談 #{number} はあなたの担当範囲外です。",
        "en": "Case #{number} is outside the clients you may see.",
    },
    "case.target_out_of_scope": {
        "ja": "{user_id} はこの利用者を担当できません（担当範囲外）。",
        "en": "{user_id} may not see this client.",
    },
    "case.given": {
        "ja": "相談 #{number} を {user_id} に割り当てました。",
        "en": "Case #{number} is now with {user_id}.",
    },
    # Templates
    "template.none": {"ja": "テンプレートはありません。", "en": "There are no templates."},
    "template.list": {"ja": "テンプレート（{count} 件）:", "en": "Templates ({count}):"},
    "template.added": {
        "ja": "テンプレート「{name}」を追加しました。",
        "en": "Template “{name}” added.",
    },
    "template.edited": {
        "ja": "テンプレート「{name}」を変更しました。",
        "en": "Template “{name}” changed.",
    },
    "template.removed": {
        "ja": "テンプレート「{name}」を削除しました。",
        "en": "Template “{name}” removed.",
    },
    "template.exists": {
        "ja": "テンプレート「{name}」はもうあります（変更は !template-edit）。",
        "en": "There is a template “{name}” already (change it with !template-edit).",
    },
    "template.unknown": {
        "ja": "テンプレート「{name}」はありません。!templates で一覧を表示します。",
        "en": "There is no template “{name}”. Send !templates to see them.",
    },
    "template.bad_name": {
        "ja": "テンプレート名「{value}」は使えません（空白と ! {{ }} なし、32 文字まで）。",
        "en": "“{value}” cannot be a template name (no spaces, ! or braces; at most 32 characters).",
    },
    "template.bad_placeholder": {
        "ja": "差し込み {{{name}}} は使えません。使えるもの: {known}",
        "en": "There is no placeholder {{{name}}}. Placeholders: {known}",
    },
    "template.bad_braces": {
        "ja": "波かっこが閉じていません。差し込みは {known}、かっこそのものは {{{{ }}}} と書きます。",
        "en": "Unbalanced braces. Placeholders are {known}; write {{{{ and }}}} for a brace itself.",
    },
    "template.sent": {
        "ja": "▶ テンプレート「{name}」:\n{text}",
        "en": "▶ Template “{name}”:\n{text}",
    },
    # Client records
    "client.card": {"ja": "利用者: {alias}", "en": "Client: {alias}"},
    "client.card_tags": {"ja": "タグ: {tags}", "en": "Tags: {tags}"},
    "client.card_notes": {"ja": "メモ（{count} 件）:", "en": "Notes ({count}):"},
    "client.card_notes_hidden": {
        "ja": "メモ: 閲覧権限がありません",
        "en": "Notes: not shown to you",
    },
    "client.card_intake": {"ja": "最初の質問への回答: {answer}", "en": "Intake answer: {answer}"},
    "client.card_intake_hidden": {
        "ja": "最初の質問への回答: 閲覧権限がありません",
        "en": "Intake answer: not shown to you",
    },
    "tag.added": {"ja": "{alias} にタグ「{tag}」を付けました。", "en": "Tagged {alias} “{tag}”."},
    "tag.removed": {
        "ja": "{alias} からタグ「{tag}」を外しました。",
        "en": "Removed the tag “{tag}” from {alias}.",
    },
    "tag.has": {
        "ja": "タグ「{tag}」はもう付いています。",
        "en": "The tag “{tag}” is there already.",
    },
    "tag.hasnt": {
        "ja": "タグ「{tag}」は付いていません。",
        "en": "There is no tag “{tag}” to remove.",
    },
    "note.client_added": {
        "ja": "{alias} にメモを追加しました。",
        "en": "Note added to {alias}.",
    },
    "note.case_added": {
        "ja": "相談 #{number} にメモを追加しました。",
        "en": "Note added to case #{number}.",
    },
    # Categories
    "category.none": {
        "ja": "カテゴリーはありません（管理者が !category-add で作ります）。",
        "en": "There are no categories (admins add them with !category-add).",
    },
    "category.list": {"ja": "カテゴリー:", "en": "Categories:"},
    "category.added": {
        "ja": "カテゴリー「{path}」を追加しました。",
        "en": "Category “{path}” added.",
    },
    "category.removed": {
        "ja": "カテゴリー「{path}」を削除しました（付いている相談には残ります）。",
        "en": "Category “{path}” removed (cases that carry it keep it).",
    },
    "category.exists": {
        "ja": "カテゴリー「{path}」はもうあります。",
        "en": "There is a category “{path}” already.",
    },
    "category.unknown": {
        "ja": "カテゴリー「{path}」はありません。!categories で一覧を表示します。",
        "en": "There is no category “{path}”. Send !categories to see them.",
    },
    "category.too_deep": {
        "ja": "カテゴリーは {max} 階層までです（指定は {depth} 階層）。",
        "en": "Categories have at most {max} levels; this one has {depth}.",
    },
    "category.has_children": {
        "ja": "「{path}」の下にカテゴリーが {count} 個あります。先にそちらを削除してください。",
        "en": "“{path}” has {count} categories below it; remove those first.",
    },
    "category.set": {
        "ja": "相談 #{number} のカテゴリー: {path}",
        "en": "Case #{number} is in category {path}.",
    },
    # Tickets
    "ticket.opened": {
        "ja": "チケット #{number} を相談 #{case} から作りました。",
        "en": "Ticket #{number} opened from case #{case}.",
    },
    "ticket.none": {"ja": "チケットはありません。", "en": "No tickets."},
    "ticket.line": {
        "ja": "#{number} [{status}] {title}（相談 #{case}）",
        "en": "#{number} [{status}] {title} (case #{case})",
    },
    "ticket.header": {
        "ja": "チケット #{number} [{status}] {title}\n相談 #{case} から、{when}",
        "en": "Ticket #{number} [{status}] {title}\nFrom case #{case}, {when}",
    },
    "ticket.history": {"ja": "相談 #{case} の履歴:", "en": "History of case #{case}:"},
    "ticket.from_client": {"ja": "利用者", "en": "client"},
    "ticket.from_operator": {"ja": "担当者", "en": "operator"},
    "ticket.s.open": {"ja": "未完了", "en": "open"},
    "ticket.s.closed": {"ja": "完了", "en": "closed"},
    "ticket.unknown": {
        "ja": "チケット #{number} はありません。",
        "en": "There is no ticket #{number}.",
    },
    "ticket.bad_status": {
        "ja": "チケットの状態に「{value}」は使えません（open か closed）。",
        "en": "A ticket's status cannot be “{value}” (open or closed).",
    },
    "ticket.already_open": {
        "ja": "チケット #{number} はもう未完了です。",
        "en": "Ticket #{number} is open already.",
    },
    "ticket.already_closed": {
        "ja": "チケット #{number} はもう完了しています。",
        "en": "Ticket #{number} is closed already.",
    },
    "ticket.now_open": {
        "ja": "チケット #{number} を未完了に戻しました。",
        "en": "Ticket #{number} is open again.",
    },
    "ticket.now_closed": {
        "ja": "チケット #{number} を完了にしました。",
        "en": "Ticket #{number} is closed.",
    },
    # History
    "history.bad_filter": {
        "ja": "「{name}」という条件はありません。使える条件: {options}",
        "en": "There is no filter “{name}”. Filters: {options}",
    },
    "history.bad_status": {
        "ja": "状態に「{value}」は使えません。使える値: {options}",
        "en": "The status cannot be “{value}”. Use one of: {options}",
    },
    "history.bad_rating": {
        "ja": "評価の範囲「{value}」は小さい方から書いてください（例: 4-5）。",
        "en": "Write the rating range “{value}” low to high (for example 4-5).",
    },
    "history.reversed": {
        "ja": "期間の開始 {start} が終了 {end} より後になっています。",
        "en": "The range starts on {start}, after its end {end}.",
    },
    "history.bad_format": {
        "ja": "書き出し形式に「{value}」は使えません。使える形式: {options}",
        "en": "There is no export format “{value}”. Formats: {options}",
    },
    "history.bad_month": {
        "ja": "月「{value}」は YYYY-MM の形で書いてください（例: 2026-10）。",
        "en": "Write the month “{value}” as YYYY-MM (for example 2026-10).",
    },
    "history.nothing": {"ja": "条件に合う相談はありません。", "en": "No case matches."},
    "history.found": {
        "ja": "{count} 件見つかりました（新しい順に {shown} 件を表示。すべては !export で）:",
        "en": "{count} cases found (the newest {shown} shown; !export gives all):",
    },
    "history.line": {
        "ja": "#{number} {opened} {alias} [{status}・{handled}] {category} {operator}",
        "en": "#{number} {opened} {alias} [{status}, handled: {handled}] {category} {operator}",
    },
    "history.case": {
        "ja": "相談 #{number}（{alias}）\n状態: {status}（対応済み: {handled}）\n担当: {operator}\nカテゴリー: {category}\n評価: {rating}\n開始 {opened} / 初回返信 {first} / 終了 {closed}",
        "en": "Case #{number} ({alias})\nStatus: {status} (handled: {handled})\nOperator: {operator}\nCategory: {category}\nRating: {rating}\nOpened {opened} / first reply {first} / closed {closed}",
    },
    "history.notes": {"ja": "メモ:", "en": "Notes:"},
    "history.exported": {
        "ja": "{count} 件を {name} に書き出しました。",
        "en": "Exported {count} cases to {name}.",
    },
    "history.yes": {"ja": "はい", "en": "yes"},
    "history.no": {"ja": "いいえ", "en": "no"},
    "history.sheet": {"ja": "相談", "en": "Cases"},
    "history.status.waiting": {"ja": "待機中", "en": "waiting"},
    "history.status.assigned": {"ja": "対応中", "en": "assigned"},
    "history.status.closed": {"ja": "終了", "en": "closed"},
    "history.status.expired": {"ja": "期限切れ", "en": "expired"},
    "history.col.number": {"ja": "相談番号", "en": "Case"},
    "history.col.opened": {"ja": "開始日時", "en": "Opened"},
    "history.col.status": {"ja": "状態", "en": "Status"},
    "history.col.handled": {"ja": "対応済み", "en": "Handled"},
    "history.col.category": {"ja": "カテゴリー", "en": "Category"},
    "history.col.operator": {"ja": "担当者", "en": "Operator"},
    "history.col.client": {"ja": "利用者", "en": "Client"},
    "history.col.team": {"ja": "チーム", "en": "Team"},
    "history.col.intake": {"ja": "最初の質問への回答", "en": "Intake answer"},
    "history.col.assigned": {"ja": "割り当て日時", "en": "Assigned"},
    "history.col.first_response": {"ja": "初回返信日時", "en": "First reply"},
    "history.col.first_response_s": {
        "ja": "初回返信までの秒数",
        "en": "Seconds to first reply",
    },
    "history.col.closed": {"ja": "終了日時", "en": "Closed"},
    "history.col.rating": {"ja": "評価", "en": "Rating"},
    "history.col.notes": {"ja": "メモ", "en": "Notes"},
    "history.col.tickets": {"ja": "チケット数", "en": "Tickets"},
    # Monthly summary
    "summary.header": {
        "ja": "{month} の集計（{zone}）",
        "en": "Summary of {month} ({zone})",
    },
    "summary.figures": {
        "ja": "開始 {opened}・対応済み {handled}・未対応 {unhandled}・期限切れ {expired}・初回返信の中央値 {median}・平均評価 {rating}（{ratings} 件）",
        "en": "opened {opened}, handled {handled}, unhandled {unhandled}, expired {expired}, median first reply {median}, average rating {rating} ({ratings} ratings)",
    },
    "summary.duration": {"ja": "{minutes} 分 {seconds} 秒", "en": "{minutes} min {seconds} s"},
    "summary.by_operator": {"ja": "担当者別:", "en": "By operator:"},
    "summary.by_category": {"ja": "カテゴリー別:", "en": "By category:"},
    "summary.nobody": {"ja": "（担当者なし）", "en": "(nobody)"},
    "summary.none": {"ja": "（カテゴリーなし）", "en": "(no category)"},
    # Commands
    "cmd.operator-settings": {
        "ja": "オペレーターの権限と通知の設定を表示・変更します",
        "en": "Show or change an operator's permissions and notices",
    },
    "cmd.operator-settings.args": {
        "ja": "<ユーザーID> [scope=all|assigned|tags:<タグ>,…] [notes=on|off] [intake=on|off] [mode=send|view] [text=free|templates] [persona=official|personal|switch] [notify=dm|none] [notify-new-case=on|off] [notify-assigned=on|off] [notify-message=on|off]",
        "en": "<user ID> [scope=all|assigned|tags:<tag>,…] [notes=on|off] [intake=on|off] [mode=send|view] [text=free|templates] [persona=official|personal|switch] [notify=dm|none] [notify-new-case=on|off] [notify-assigned=on|off] [notify-message=on|off]",
    },
    "cmd.my-settings": {
        "ja": "自分の権限と通知の設定を表示します",
        "en": "Show your own settings",
    },
    "cmd.private": {
        "ja": "自分専用のルーム（通知・検索・書き出し）を開きます",
        "en": "Open your private room (notices, search, export)",
    },
    "cmd.assign": {
        "ja": "待っている相談をオペレーターに割り当てます",
        "en": "Give a waiting case to an operator",
    },
    "cmd.assign.args": {"ja": "<相談番号> <ユーザーID>", "en": "<case number> <user ID>"},
    "cmd.templates": {"ja": "テンプレートの一覧", "en": "List the templates"},
    "cmd.template-add": {"ja": "テンプレートを追加します", "en": "Add a template"},
    "cmd.template-add.args": {
        "ja": "<名前> <本文（{nickname} {operator} {tenant} {case} を差し込めます）>",
        "en": "<name> <text (may use {nickname} {operator} {tenant} {case})>",
    },
    "cmd.template-edit": {"ja": "テンプレートを変更します", "en": "Change a template"},
    "cmd.template-edit.args": {"ja": "<名前> <本文>", "en": "<name> <text>"},
    "cmd.template-remove": {"ja": "テンプレートを削除します", "en": "Remove a template"},
    "cmd.template-remove.args": {"ja": "<名前>", "en": "<name>"},
    "cmd.t": {
        "ja": "テンプレートを利用者に送ります",
        "en": "Send a template to the client",
    },
    "cmd.t.args": {"ja": "<名前>", "en": "<name>"},
    "cmd.client": {
        "ja": "利用者の情報（タグ、メモ、最初の質問への回答）",
        "en": "The client's record (tags, notes, intake answer)",
    },
    "cmd.client.args.admin": {"ja": "<ニックネームかユーザーID>", "en": "<nickname or user ID>"},
    "cmd.client-tag": {"ja": "利用者のタグを付け外しします", "en": "Tag or untag a client"},
    "cmd.client-tag.args.admin": {
        "ja": "<ニックネームかユーザーID> add|remove <タグ>",
        "en": "<nickname or user ID> add|remove <tag>",
    },
    "cmd.client-tag.args": {"ja": "add|remove <タグ>", "en": "add|remove <tag>"},
    "cmd.client-note": {"ja": "利用者にメモを書きます", "en": "Write a note on a client"},
    "cmd.client-note.args.admin": {
        "ja": "<ニックネームかユーザーID> <メモ>",
        "en": "<nickname or user ID> <note>",
    },
    "cmd.client-note.args": {"ja": "<メモ>", "en": "<note>"},
    "cmd.categories": {"ja": "カテゴリーの一覧", "en": "List the categories"},
    "cmd.category-add": {
        "ja": "カテゴリーを追加します（3 階層まで、> で区切る）",
        "en": "Add a category (up to 3 levels, separated by >)",
    },
    "cmd.category-add.args": {
        "ja": "<大分類> [> <中分類> [> <小分類>]]",
        "en": "<level 1> [> <level 2> [> <level 3>]]",
    },
    "cmd.category-remove": {"ja": "カテゴリーを削除します", "en": "Remove a category"},
    "cmd.category-remove.args": {"ja": "<カテゴリー>", "en": "<category>"},
    "cmd.category": {"ja": "この相談のカテゴリーを設定します", "en": "Set this case's category"},
    "cmd.category.args": {"ja": "<カテゴリー>", "en": "<category>"},
    "cmd.note": {"ja": "この相談にメモを書きます", "en": "Write a note on this case"},
    "cmd.note.args": {"ja": "<メモ>", "en": "<note>"},
    "cmd.ticket": {"ja": "この相談からチケットを作ります", "en": "Open a ticket from this case"},
    "cmd.ticket.args": {"ja": "<件名> [| <内容>]", "en": "<title> [| <text>]"},
    "cmd.tickets": {"ja": "チケットの一覧", "en": "List tickets"},
    "cmd.tickets.args": {"ja": "[open|closed|all]", "en": "[open|closed|all]"},
    "cmd.ticket-show": {
        "ja": "チケットと相談の履歴を表示します",
        "en": "Show a ticket with its case's history",
    },
    "cmd.ticket-show.args": {"ja": "<チケット番号>", "en": "<ticket number>"},
    "cmd.ticket-close": {"ja": "チケットを完了にします", "en": "Close a ticket"},
    "cmd.ticket-close.args": {"ja": "<チケット番号>", "en": "<ticket number>"},
    "cmd.ticket-reopen": {"ja": "チケットを未完了に戻します", "en": "Reopen a ticket"},
    "cmd.ticket-reopen.args": {"ja": "<チケット番号>", "en": "<ticket number>"},
    "cmd.case": {"ja": "相談の記録を表示します", "en": "Show a case's record"},
    "cmd.case.args": {"ja": "<相談番号>", "en": "<case number>"},
    "cmd.search": {"ja": "相談の履歴を検索します", "en": "Search the case history"},
    "cmd.search.args": {
        "ja": "[from=YYYY-MM-DD] [to=YYYY-MM-DD] [status=waiting|assigned|closed|expired|handled|unhandled] [category=<カテゴリー>] [operator=<ユーザーID>] [rating=<n>|<n-m>] [text=<言葉>]",
        "en": "[from=YYYY-MM-DD] [to=YYYY-MM-DD] [status=waiting|assigned|closed|expired|handled|unhandled] [category=<category>] [operator=<user ID>] [rating=<n>|<n-m>] [text=<words>]",
    },
    "cmd.export": {
        "ja": "検索結果をファイル（CSV か XLSX）で書き出します",
        "en": "Export the search result as a file (CSV or XLSX)",
    },
    "cmd.export.args": {
        "ja": "csv|xlsx [検索の条件]",
        "en": "csv|xlsx [search filters]",
    },
    "cmd.summary": {
        "ja": "月ごとの集計（指定がなければ先月）",
        "en": "The monthly summary (last month unless given)",
    },
    "cmd.summary.args": {"ja": "[YYYY-MM]", "en": "[YYYY-MM]"},
}

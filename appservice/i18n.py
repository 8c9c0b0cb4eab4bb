"""Texts shown to users, in every language a tenant (or the platform) can choose."""

from __future__ import annotations

from typing import Literal

from .i18n_board import MESSAGES as BOARD_MESSAGES
from .i18n_letters import MESSAGES as LETTER_MESSAGES
from .i18n_records import MESSAGES as RECORD_MESSAGES
from .i18n_sessions import MESSAGES as SESSION_MESSAGES
from .i18n_statements import MESSAGES as STATEMENT_MESSAGES

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
    # Refusals: where and who
    "refuse.role.platform": {
        "ja": "!{name} はプラットフォーム管理者だけが管理室で使えるコマンドです。",
        "en": "!{name} is for platform administrators, in the control room.",
    },
    "refuse.role.admin": {
        "ja": "!{name} はテナント管理者だけが管理ルームで使えるコマンドです。",
        "en": "!{name} is for tenant admins, in the admin room.",
    },
    "refuse.role.staff": {
        "ja": "!{name} はオペレーターがスタッフルームで使うコマンドです。",
        "en": "!{name} is for operators, in the staff room.",
    },
    "refuse.not_here": {
        "ja": "このルームではコマンドを受け付けていません。",
        "en": "This bot takes no commands in this room.",
    },
    "refuse.no_role_here": {
        "ja": "このルームでコマンドを使う権限がありません。",
        "en": "You are not allowed to use commands in this room.",
    },
    # A client's commands in their desk room and their board room, and their help
    "help.header.desk": {"ja": "ここで使えるコマンド:", "en": "Commands here:"},
    "help.footer.desk": {
        "ja": "ご相談はそのままメッセージでお送りください。",
        "en": "For anything else, just write your message.",
    },
    "help.header.client_board": {
        "ja": "掲示板の使い方:\n・新しいメッセージ — トピックを投稿\n・トピックのスレッドに書く — 追記",
        "en": (
            "How the board works:\n• A new message — posts a topic\n• Writing in a topic's "
            "thread — adds to it"
        ),
    },
    "help.footer.client_board": {
        "ja": (
            "（回答番号は回答の下に書かれています。回答への返信で !profile や !nominate と送って"
            "も使えます）"
        ),
        "en": (
            "(The answer number is under each answer; replying to an answer with !profile or "
            "!nominate works too.)"
        ),
    },
    "help.client_line": {"ja": "・{usage} — {help}", "en": "• {usage} — {help}"},
    "cmd.help.desk": {"ja": "この一覧", "en": "this list"},
    "cmd.board.desk": {"ja": "掲示板を開く", "en": "opens the board"},
    "cmd.operators.desk": {"ja": "指名できる担当者", "en": "who you can nominate"},
    "cmd.nominate.desk": {
        "ja": "担当者を指名（!operators の番号、または掲示板の回答番号）",
        "en": "nominate a counselor (a number from !operators, or an answer on the board)",
    },
    "cmd.nominate.args.desk": {"ja": "<番号>", "en": "<number>"},
    "cmd.slots.desk": {
        "ja": "予約できる枠（担当者の番号か last で絞り込み、日付からも表示）",
        "en": "free session slots (of one counselor, or your last one with last; from a date)",
    },
    "cmd.slots.args.desk": {
        "ja": "[<番号> | last] [YYYY-MM-DD]",
        "en": "[<number> | last] [YYYY-MM-DD]",
    },
    "cmd.book.desk": {"ja": "枠を予約", "en": "books a slot"},
    "cmd.book.args.desk": {"ja": "<枠番号>", "en": "<slot>"},
    "cmd.bookings.desk": {"ja": "あなたの予約", "en": "your bookings"},
    "cmd.cancel.desk": {"ja": "予約を取り消す", "en": "cancels a booking"},
    "cmd.cancel.args.desk": {"ja": "<予約番号>", "en": "<booking>"},
    "cmd.help.client_board": {"ja": "この説明", "en": "this help"},
    "cmd.topics.client_board": {"ja": "みんなのトピック", "en": "everyone's topics"},
    "cmd.topics.args.client_board": {"ja": "[ページ]", "en": "[page]"},
    "cmd.topic.client_board": {"ja": "トピックと回答", "en": "a topic and its answers"},
    "cmd.topic.args.client_board": {"ja": "<番号> [ページ]", "en": "<number> [page]"},
    "cmd.profile.client_board": {
        "ja": "回答したメンバーのプロフィール",
        "en": "the profile of the member who answered",
    },
    "cmd.profile.args.client_board": {"ja": "<回答番号>", "en": "<answer>"},
    "cmd.nominate.client_board": {
        "ja": "そのメンバーを指名してチャット相談",
        "en": "ask that member for a chat consultation",
    },
    "cmd.nominate.args.client_board": {"ja": "<回答番号>", "en": "<answer>"},
    "refuse.suspended_client": {
        "ja": "現在このサービスは停止中です。再開まで、お送りいただいたメッセージは担当者に届きません。",
        "en": "This service is suspended at the moment; messages do not reach anyone until it resumes.",
    },
    # Bad input
    "bad.name_empty": {"ja": "{what} が空です。", "en": "The {what} is empty."},
    "bad.name_long": {
        "ja": "{what} が長すぎます（{length} 文字、上限 {max} 文字）。",
        "en": "The {what} is too long ({length} characters, at most {max}).",
    },
    "bad.name_control": {
        "ja": "{what} に制御文字は使えません。",
        "en": "The {what} must not contain control characters.",
    },
    "bad.name_prefix": {
        "ja": "{what} を @ や ! で始めることはできません。",
        "en": "The {what} must not start with @ or !.",
    },
    "bad.slug": {
        "ja": "「{value}」はスラッグに使えません（英小文字・数字・ハイフン、2〜32 文字）。",
        "en": "“{value}” is not a valid slug (2–32 lowercase letters, digits, hyphens).",
    },
    "bad.preset": {
        "ja": "「{value}」というプリセットはありません（{options}）。",
        "en": "There is no preset “{value}” (choose {options}).",
    },
    "bad.language": {
        "ja": "言語は ja か en です（「{value}」は使えません）。",
        "en": "The language must be ja or en, not “{value}”.",
    },
    "bad.user_id": {
        "ja": "「{value}」は Matrix ユーザー ID ではありません（例: @alice:example.org）。",
        "en": "“{value}” is not a Matrix user ID (such as @alice:example.org).",
    },
    "bad.number": {
        "ja": "{what} は数で指定してください（「{value}」）。",
        "en": "The {what} must be a number, not “{value}”.",
    },
    "bad.range": {
        "ja": "{what} は {low} から {high} までです（{value} は範囲外）。",
        "en": "The {what} must be between {low} and {high} (got {value}).",
    },
    "bad.date": {
        "ja": "「{value}」は日付ではありません（例: 2026-12-31）。",
        "en": "“{value}” is not a date (such as 2026-12-31).",
    },
    "bad.datetime": {
        "ja": "「{value}」は日時ではありません（例: 2026-12-01T02:00）。",
        "en": "“{value}” is not a date and time (such as 2026-12-01T02:00).",
    },
    "bad.json": {
        "ja": "リクエスト本文が JSON オブジェクトではありません。",
        "en": "The request body must be a JSON object.",
    },
    "bad.field": {
        "ja": "項目 {field} が必要です。",
        "en": "The field {field} is required.",
    },
    # Tenants
    "tenant.unknown": {
        "ja": "テナント「{slug}」はありません。",
        "en": "There is no tenant “{slug}”.",
    },
    "tenant.exists": {
        "ja": "テナント「{slug}」はすでにあります。",
        "en": "A tenant “{slug}” exists already.",
    },
    "tenant.rooms_failed": {
        "ja": "テナントのルームを作成できませんでした。何も登録していません。もう一度お試しください。",
        "en": "The tenant's rooms could not be created; nothing was registered. Try again.",
    },
    "tenant.space_topic": {"ja": "soudan のテナントスペース", "en": "A soudan tenant space"},
    "tenant.admin_room": {"ja": "{name} 管理", "en": "{name} admin"},
    "tenant.admin_topic": {
        "ja": "テナント管理者のコマンドルームです。!help でコマンド一覧を表示します。",
        "en": "Tenant admin commands. Send !help for the list.",
    },
    "tenant.staff_room": {"ja": "{name} スタッフ", "en": "{name} staff"},
    "tenant.staff_topic": {
        "ja": "オペレーターのルームです。!help でコマンド一覧を表示します。",
        "en": "The operators' room. Send !help for the list.",
    },
    "tenant.created": {
        "ja": "テナント「{name}」（{slug}、{preset}、{language}）を作成しました。",
        "en": "Created the tenant “{name}” ({slug}, {preset}, {language}).",
    },
    "tenant.none": {"ja": "テナントはまだありません。", "en": "There are no tenants yet."},
    "tenant.line": {
        "ja": "{slug}: {name}（{preset}、{language}）{state}",
        "en": "{slug}: {name} ({preset}, {language}) {state}",
    },
    "tenant.state.active": {"ja": "稼働中", "en": "active"},
    "tenant.state.suspended": {"ja": "停止中", "en": "suspended"},
    "tenant.state.trial": {"ja": "、試用 {day} まで", "en": ", trial until {day}"},
    "tenant.state.seats": {"ja": "、席 {used}/{limit}", "en": ", seats {used}/{limit}"},
    "tenant.already_suspended": {
        "ja": "テナント「{slug}」はすでに停止中です。",
        "en": "The tenant “{slug}” is suspended already.",
    },
    "tenant.not_suspended": {
        "ja": "テナント「{slug}」は停止していません。",
        "en": "The tenant “{slug}” is not suspended.",
    },
    "tenant.suspended_done": {
        "ja": "テナント「{slug}」を停止しました。",
        "en": "Suspended the tenant “{slug}”.",
    },
    "tenant.resumed_done": {
        "ja": "テナント「{slug}」を再開しました。",
        "en": "Resumed the tenant “{slug}”.",
    },
    "tenant.suspended_notice": {
        "ja": "このテナントは停止されました。再開まで相談の中継は行われません。",
        "en": "This tenant has been suspended; nothing is relayed until it resumes.",
    },
    "tenant.trial_ended_notice": {
        "ja": "無料試用期間が終了したため、このテナントは停止されました。",
        "en": "The free trial has ended, so this tenant has been suspended.",
    },
    "tenant.resumed_notice": {
        "ja": "このテナントは再開されました。",
        "en": "This tenant has been resumed.",
    },
    "tenant.trial_set": {
        "ja": "テナント「{slug}」の試用期間を {day} までにしました。",
        "en": "The tenant “{slug}” is on trial until {day}.",
    },
    "tenant.trial_cleared": {
        "ja": "テナント「{slug}」の試用期間を解除しました。",
        "en": "The tenant “{slug}” is no longer on trial.",
    },
    "tenant.trial_past": {
        "ja": "{day} はもう過ぎています。",
        "en": "{day} has passed already.",
    },
    "tenant.seats_set": {
        "ja": "テナント「{slug}」の席数を {limit} にしました。",
        "en": "The tenant “{slug}” now has {limit} seats.",
    },
    "tenant.seats_cleared": {
        "ja": "テナント「{slug}」の席数の上限を外しました。",
        "en": "The tenant “{slug}” has no seat limit now.",
    },
    "tenant.seats_below": {
        "ja": "オペレーターが {operators} 人いるため、席数を {limit} にはできません。",
        "en": "There are {operators} operators, so the seats cannot be {limit}.",
    },
    # Members
    "member.not_staff_account": {
        "ja": "{user_id} は管理者やオペレーターにできないアカウントです。",
        "en": "{user_id} cannot be an admin or operator.",
    },
    "member.no_such_user": {
        "ja": "{user_id} というユーザーはこのサーバーにいません。",
        "en": "There is no user {user_id} on this server.",
    },
    "admin.exists": {
        "ja": "{user_id} はすでに「{tenant}」の管理者です。",
        "en": "{user_id} is an admin of “{tenant}” already.",
    },
    "admin.unknown": {
        "ja": "{user_id} は「{tenant}」の管理者ではありません。",
        "en": "{user_id} is not an admin of “{tenant}”.",
    },
    "admin.added": {
        "ja": "{user_id} を「{tenant}」の管理者にしました。管理ルームに招待しました。",
        "en": "{user_id} is now an admin of “{tenant}” and is invited to its admin room.",
    },
    "admin.removed": {
        "ja": "{user_id} を「{tenant}」の管理者から外しました。",
        "en": "{user_id} is no longer an admin of “{tenant}”.",
    },
    "operator.exists": {
        "ja": "{user_id} はすでにオペレーターです。",
        "en": "{user_id} is an operator already.",
    },
    "operator.unknown": {
        "ja": "{user_id} はオペレーターではありません。",
        "en": "{user_id} is not an operator.",
    },
    "operator.seat_limit": {
        "ja": "席数の上限（{limit}）に達しています。オペレーターを追加できません。",
        "en": "All {limit} seats are taken; no operator can be added.",
    },
    "operator.added": {
        "ja": "{user_id} をオペレーターにしました。スタッフルームに招待しました。",
        "en": "{user_id} is now an operator and is invited to the staff room.",
    },
    "operator.removed": {
        "ja": "{user_id} をオペレーターから外しました。",
        "en": "{user_id} is no longer an operator.",
    },
    "operator.none": {"ja": "オペレーターはいません。", "en": "There are no operators."},
    "operator.list": {
        "ja": "オペレーター（{count} 人{seats}）:",
        "en": "Operators ({count}{seats}):",
    },
    "operator.seats": {"ja": "、上限 {limit}", "en": " of {limit} seats"},
    # Tokens
    "token.issued": {
        "ja": "「{slug}」の API トークン #{id} です。この一度しか表示しません:\n{token}",
        "en": "API token #{id} for “{slug}”. It is shown this once only:\n{token}",
    },
    "token.unknown": {
        "ja": "有効なトークン #{id} はありません。",
        "en": "There is no active token #{id}.",
    },
    "token.revoked": {"ja": "トークン #{id} を無効にしました。", "en": "Revoked token #{id}."},
    "token.none": {"ja": "有効なトークンはありません。", "en": "There are no active tokens."},
    "token.line": {"ja": "#{id} {label}（{created}）", "en": "#{id} {label} ({created})"},
    # Maintenance
    "maintenance.order": {
        "ja": "終了は開始より後にしてください。",
        "en": "The end must come after the start.",
    },
    "maintenance.past": {
        "ja": "開始日時はこれから先にしてください。",
        "en": "The start must be in the future.",
    },
    "maintenance.announced": {
        "ja": "メンテナンスを {count} か所に予告しました。開始時にもう一度お知らせします。",
        "en": "Announced the maintenance in {count} rooms; a second notice goes out at the start.",
    },
    "maintenance.ahead": {
        "ja": "【メンテナンスのお知らせ】{start} から {end} まで、メンテナンスのため一時的にご利用いただけません。{message}",
        "en": "[Maintenance notice] The service will be unavailable from {start} to {end}. {message}",
    },
    "maintenance.starting": {
        "ja": "【メンテナンス開始】ただいまから {end} までメンテナンスを行います。{message}",
        "en": "[Maintenance starting] Maintenance is under way until {end}. {message}",
    },
    # Accounts and clients
    "accounts.bot_not_admin": {
        "ja": "ボットがホームサーバーの管理者ではないため、アカウントを操作できません。サーバー管理者に設定を依頼してください。",
        "en": "The bot is not a homeserver admin, so it cannot manage accounts. Ask the server admin to make it one.",
    },
    "accounts.failed": {
        "ja": "ホームサーバーがアカウント操作を受け付けませんでした。少し待ってからもう一度お試しください。",
        "en": "The homeserver did not accept the account operation. Try again in a moment.",
    },
    "client.exists": {
        "ja": "ニックネーム「{nickname}」の利用者はすでにいます。",
        "en": "There is a client called “{nickname}” already.",
    },
    "client.unknown": {
        "ja": "利用者「{client}」はいません。",
        "en": "There is no client “{client}”.",
    },
    "client.room_failed": {
        "ja": "アカウントは作成しましたが、相談ルームを用意できませんでした。利用者を削除してやり直してください。",
        "en": "The account was created but its room could not be set up. Remove the client and try again.",
    },
    "client.added": {
        "ja": "利用者「{nickname}」を登録しました。次のログイン情報は一度しか表示しません。\nサーバー: {homeserver}\nユーザー ID: {user_id}\nパスワード: {password}",
        "en": "Added the client “{nickname}”. These login details are shown this once only.\nServer: {homeserver}\nUser ID: {user_id}\nPassword: {password}",
    },
    "client.none": {"ja": "利用者はいません。", "en": "There are no clients."},
    "client.list": {"ja": "利用者（{count} 人）:", "en": "Clients ({count}):"},
    "client.voucher_label": {"ja": "（匿名）", "en": "(anonymous)"},
    "client.reset": {
        "ja": "「{client}」のパスワードを再発行し、すべての端末をログアウトさせました。新しいパスワード（一度しか表示しません）: {password}",
        "en": "Reset the password of “{client}” and logged out all of its devices. New password (shown this once only): {password}",
    },
    "client.removed": {
        "ja": "利用者「{client}」を削除しました（アカウントは無効化・消去されました）。",
        "en": "Removed the client “{client}” (the account is deactivated and erased).",
    },
    "client.room_topic": {
        "ja": "相談窓口です。メッセージをお送りください。",
        "en": "Your consultation desk. Write your message here.",
    },
    "client.welcome.counseling": {
        "ja": "ようこそ。こちらは相談窓口です。話したいことを、いつでもこのルームに書いてください。",
        "en": "Welcome. This is your consultation desk: write here whenever you want to talk.",
    },
    "client.welcome.workplace": {
        "ja": "ようこそ。こちらは匿名の相談窓口です。会社にあなたが誰かが伝わることはありません。お気軽にご相談ください。",
        "en": "Welcome. This is an anonymous support desk: nobody at your company learns who you are. Write whenever you like.",
    },
    "client.welcome.club": {
        "ja": "ようこそ。こちらはクラブの窓口です。お知らせやご質問はこのルームでどうぞ。",
        "en": "Welcome. This is your club's desk: notices and questions come here.",
    },
    "voucher.preset_only": {
        "ja": "バウチャーは workplace プリセットのテナントだけで発行できます。",
        "en": "Vouchers can be issued by workplace tenants only.",
    },
    "voucher.issued": {
        "ja": "バウチャーを {count} 枚発行しました。印刷用 PDF と CSV を添付します。どのバウチャーが誰に渡ったかは記録されません。",
        "en": "Issued {count} vouchers. The printable PDF and the CSV follow. Nothing records which voucher goes to whom.",
    },
    # Groups and notices
    "group.exists": {
        "ja": "グループ「{group}」はすでにあります。",
        "en": "A group “{group}” exists already.",
    },
    "group.unknown": {
        "ja": "グループ「{group}」はありません。",
        "en": "There is no group “{group}”.",
    },
    "group.room_topic": {"ja": "{tenant} のグループ", "en": "A group of {tenant}"},
    "group.member_exists": {
        "ja": "「{client}」はすでに「{group}」のメンバーです。",
        "en": "“{client}” is in “{group}” already.",
    },
    "group.not_member": {
        "ja": "「{client}」は「{group}」のメンバーではありません。",
        "en": "“{client}” is not in “{group}”.",
    },
    "group.room_failed": {
        "ja": "グループのルームに追加できませんでした。もう一度お試しください。",
        "en": "Could not add the client to the group's room. Try again.",
    },
    "group.created": {
        "ja": "グループ「{group}」を作成しました。",
        "en": "Created the group “{group}”.",
    },
    "group.renamed": {
        "ja": "グループの名前を「{group}」に変えました。",
        "en": "Renamed the group to “{group}”.",
    },
    "group.deleted": {
        "ja": "グループ「{group}」を削除しました。",
        "en": "Deleted the group “{group}”.",
    },
    "group.member_added": {
        "ja": "「{client}」を「{group}」に追加しました。",
        "en": "Added “{client}” to “{group}”.",
    },
    "group.member_removed": {
        "ja": "「{client}」を「{group}」から外しました。",
        "en": "Removed “{client}” from “{group}”.",
    },
    "group.none": {"ja": "グループはありません。", "en": "There are no groups."},
    "group.line": {"ja": "{group}（{count} 人）: {members}", "en": "{group} ({count}): {members}"},
    "broadcast.sent": {
        "ja": "お知らせを {count} 人に送りました。",
        "en": "Sent the notice to {count} clients.",
    },
    "debug.disabled": {
        "ja": "時計の操作は無効です。",
        "en": "Clock control is disabled.",
    },
    "api.not_found": {"ja": "そのパスはありません。", "en": "There is no such path."},
    "api.platform_only": {
        "ja": "この操作にはプラットフォームのトークンが必要です。",
        "en": "This operation needs the platform token.",
    },
    "api.other_tenant": {
        "ja": "このトークンは別のテナントのものです。",
        "en": "This token belongs to another tenant.",
    },
    "cmd.create-tenant": {
        "ja": "テナントを作成します（プリセット: counseling / workplace / club、言語: ja / en）",
        "en": "Create a tenant (preset: counseling, workplace or club; language: ja or en)",
    },
    "cmd.create-tenant.args": {
        "ja": "<スラッグ> <プリセット> <言語> <名前>",
        "en": "<slug> <preset> <language> <name>",
    },
    "cmd.tenants": {"ja": "テナントの一覧", "en": "List the tenants"},
    "cmd.add-admin": {"ja": "テナントの管理者を任命します", "en": "Appoint a tenant admin"},
    "cmd.add-admin.args": {"ja": "<スラッグ> <ユーザーID>", "en": "<slug> <user ID>"},
    "cmd.remove-admin": {"ja": "テナントの管理者を外します", "en": "Remove a tenant admin"},
    "cmd.remove-admin.args": {"ja": "<スラッグ> <ユーザーID>", "en": "<slug> <user ID>"},
    "cmd.suspend": {
        "ja": "テナントを停止します（中継を止めます）",
        "en": "Suspend a tenant (nothing is relayed)",
    },
    "cmd.suspend.args": {"ja": "<スラッグ>", "en": "<slug>"},
    "cmd.resume": {"ja": "停止したテナントを再開します", "en": "Resume a suspended tenant"},
    "cmd.resume.args": {"ja": "<スラッグ>", "en": "<slug>"},
    "cmd.set-trial": {
        "ja": "無料試用の最終日を設定します。翌日に自動で停止します",
        "en": "Set the last day of a free trial; the tenant suspends itself the day after",
    },
    "cmd.set-trial.args": {
        "ja": "<スラッグ> <最終日 YYYY-MM-DD|none>",
        "en": "<slug> <last day YYYY-MM-DD|none>",
    },
    "cmd.set-seats": {
        "ja": "オペレーターの席数の上限を設定します",
        "en": "Set the tenant's operator seat limit",
    },
    "cmd.set-seats.args": {"ja": "<スラッグ> <席数|none>", "en": "<slug> <seats|none>"},
    "cmd.issue-token": {
        "ja": "テナント管理者用の API トークンを発行します",
        "en": "Issue a provisioning API token for the tenant's admins",
    },
    "cmd.issue-token.args": {"ja": "<スラッグ> <ラベル>", "en": "<slug> <label>"},
    "cmd.tokens": {"ja": "有効な API トークンの一覧", "en": "List the tenant's active API tokens"},
    "cmd.tokens.args": {"ja": "<スラッグ>", "en": "<slug>"},
    "cmd.revoke-token": {"ja": "API トークンを無効にします", "en": "Revoke an API token"},
    "cmd.revoke-token.args": {"ja": "<スラッグ> <番号>", "en": "<slug> <number>"},
    "cmd.maintenance": {
        "ja": "全テナントの利用者と管理者にメンテナンスを予告し、開始時にも知らせます",
        "en": "Announce maintenance to every tenant's clients and admins, again when it starts",
    },
    "cmd.maintenance.args": {
        "ja": "<開始 YYYY-MM-DDTHH:MM> <終了> <お知らせ文>",
        "en": "<start YYYY-MM-DDTHH:MM> <end> <message>",
    },
    "cmd.add-client": {
        "ja": "利用者アカウントを作成します（パスワードは一度だけ表示）",
        "en": "Create a client account (the password is shown once)",
    },
    "cmd.add-client.args": {"ja": "<ニックネーム> [グループ]", "en": "<nickname> [group]"},
    "cmd.clients": {"ja": "利用者の一覧", "en": "List the clients"},
    "cmd.reset-password": {
        "ja": "パスワードを再発行し、すべての端末をログアウトさせます",
        "en": "Reset a client's password and log out all of their devices",
    },
    "cmd.reset-password.args": {"ja": "<ニックネーム|ユーザーID>", "en": "<nickname|user ID>"},
    "cmd.remove-client": {
        "ja": "利用者を削除します（アカウントを無効化・消去）",
        "en": "Remove a client (the account is deactivated and erased)",
    },
    "cmd.remove-client.args": {"ja": "<ニックネーム|ユーザーID>", "en": "<nickname|user ID>"},
    "cmd.vouchers": {
        "ja": "匿名のバウチャーを発行し、印刷用 PDF と CSV を送ります",
        "en": "Issue anonymous vouchers, with a printable PDF and a CSV",
    },
    "cmd.vouchers.args": {"ja": "<枚数>", "en": "<count>"},
    "cmd.add-operator": {"ja": "オペレーターを追加します", "en": "Add an operator"},
    "cmd.add-operator.args": {"ja": "<ユーザーID>", "en": "<user ID>"},
    "cmd.remove-operator": {"ja": "オペレーターを外します", "en": "Remove an operator"},
    "cmd.remove-operator.args": {"ja": "<ユーザーID>", "en": "<user ID>"},
    "cmd.operators": {"ja": "オペレーターの一覧", "en": "List the operators"},
    "cmd.create-group": {"ja": "グループを作成します", "en": "Create a group"},
    "cmd.create-group.args": {"ja": "<名前>", "en": "<name>"},
    "cmd.rename-group": {"ja": "グループの名前を変えます", "en": "Rename a group"},
    "cmd.rename-group.args": {"ja": "<名前> <新しい名前>", "en": "<name> <new name>"},
    "cmd.delete-group": {"ja": "グループを削除します", "en": "Delete a group"},
    "cmd.delete-group.args": {"ja": "<名前>", "en": "<name>"},
    "cmd.group-add": {"ja": "グループに利用者を加えます", "en": "Add a client to a group"},
    "cmd.group-add.args": {"ja": "<グループ> <ニックネーム>", "en": "<group> <nickname>"},
    "cmd.group-remove": {
        "ja": "グループから利用者を外します",
        "en": "Remove a client from a group",
    },
    "cmd.group-remove.args": {"ja": "<グループ> <ニックネーム>", "en": "<group> <nickname>"},
    "cmd.groups": {"ja": "グループとメンバーの一覧", "en": "List the groups and their members"},
    "cmd.broadcast": {
        "ja": "すべての利用者にお知らせを送ります",
        "en": "Send a notice to every client",
    },
    "cmd.broadcast.args": {"ja": "<お知らせ文>", "en": "<text>"},
    "cmd.broadcast-group": {
        "ja": "グループにお知らせを送ります",
        "en": "Send a notice to one group",
    },
    "cmd.broadcast-group.args": {"ja": "<グループ> <お知らせ文>", "en": "<group> <text>"},
    "help.section.tenants": {"ja": "テナント", "en": "Tenants"},
    "help.section.tokens": {"ja": "API トークン", "en": "API tokens"},
    "help.section.platform": {"ja": "プラットフォーム", "en": "Platform"},
    "help.section.clients": {"ja": "利用者", "en": "Clients"},
    "help.section.operators": {"ja": "オペレーター", "en": "Operators"},
    "help.section.groups": {"ja": "グループ", "en": "Groups"},
    "help.section.notices": {"ja": "お知らせ", "en": "Notices"},
    # Cases
    "case.alias": {"ja": "相談者 #{number}", "en": "Client #{number}"},
    "case.greeting.counseling": {
        "ja": "メッセージありがとうございます。担当のカウンセラーが確認して、こちらでお返事します。少しお待ちください。",
        "en": "Thank you for your message. A counselor will read it and answer here; please wait a moment.",
    },
    "case.greeting.workplace": {
        "ja": "ご相談ありがとうございます。担当者が確認してお返事します。あなたが誰かは担当者にも伝わりません。",
        "en": "Thank you for reaching out. Someone will answer here soon; they do not learn who you are.",
    },
    "case.greeting.club": {
        "ja": "メッセージありがとうございます。担当者からお返事します。",
        "en": "Thank you for your message. Someone will answer you here.",
    },
    "case.waiting": {
        "ja": "相談 #{number}（{alias}）が待っています。!take {number} で担当します。",
        "en": "Case #{number} ({alias}) is waiting. Send !take {number} to handle it.",
    },
    "case.preview": {"ja": "\n最初のメッセージ: {text}", "en": "\nFirst message: {text}"},
    "case.taken": {
        "ja": "相談 #{number} の担当者が決まりました。",
        "en": "Case #{number} has been taken.",
    },
    "case.room_name": {"ja": "#{number} {alias}", "en": "#{number} {alias}"},
    "case.room_topic": {
        "ja": "相談ルームです。ここに書いたことは相談者に届きます。!close で終了、!transfer で引き継ぎ、!help で一覧。",
        "en": "A case room: what you write here reaches the client. !close to close, !transfer to hand over, !help for more.",
    },
    "case.assigned_room": {
        "ja": "相談 #{number} を担当しています。これまでのメッセージを表示します。",
        "en": "You are handling case #{number}. The messages so far follow.",
    },
    "case.unknown": {"ja": "相談 #{number} はありません。", "en": "There is no case #{number}."},
    "case.not_waiting": {
        "ja": "相談 #{number} は待ち状態ではありません（すでに担当者がいるか、終了しています）。",
        "en": "Case #{number} is not waiting (someone has it, or it is closed).",
    },
    "case.not_operator": {
        "ja": "{user_id} はこのテナントのオペレーターではありません。",
        "en": "{user_id} is not an operator of this tenant.",
    },
    "case.not_assigned": {
        "ja": "相談 #{number} は担当中ではありません。",
        "en": "Case #{number} is not assigned.",
    },
    "case.same_operator": {
        "ja": "その人がすでに担当しています。",
        "en": "That operator has the case already.",
    },
    "case.transferred": {"ja": "相談を引き継ぎました", "en": "The case was handed over"},
    "case.transferred_done": {
        "ja": "相談 #{number} を引き継ぎました。",
        "en": "Case #{number} was handed over.",
    },
    "case.requeued_done": {
        "ja": "相談 #{number} を待ち行列に戻しました。",
        "en": "Case #{number} is back in the queue.",
    },
    "case.closed_already": {
        "ja": "相談 #{number} はすでに終了しています。",
        "en": "Case #{number} is closed already.",
    },
    "case.closed_room": {
        "ja": "相談 #{number} を終了しました。相談者に満足度をお聞きしています。",
        "en": "Case #{number} is closed. The client is asked for a rating.",
    },
    "case.closed_here": {
        "ja": "この相談は終了しています。メッセージは相談者に届きません。",
        "en": "This case is closed; messages here do not reach the client.",
    },
    "case.suspended_operator": {
        "ja": "このテナントは停止中です。再開までメッセージは相談者に届きません。",
        "en": "This tenant is suspended; messages do not reach the client until it resumes.",
    },
    "case.rating_question": {
        "ja": "今回の相談はいかがでしたか？満足度を 1〜5 でお選びください。",
        "en": "How was this consultation? Please rate it from 1 to 5.",
    },
    "case.rating.1": {"ja": "1（不満）", "en": "1 (poor)"},
    "case.rating.2": {"ja": "2", "en": "2"},
    "case.rating.3": {"ja": "3", "en": "3"},
    "case.rating.4": {"ja": "4", "en": "4"},
    "case.rating.5": {"ja": "5（満足）", "en": "5 (excellent)"},
    "case.rating_fallback": {
        "ja": "アンケートが表示されない場合は、1〜5 の数字だけを返信してください。",
        "en": "If you cannot see the poll, reply with just a number from 1 to 5.",
    },
    "case.rating_thanks": {
        "ja": "ご回答ありがとうございました。またいつでもご相談ください。",
        "en": "Thank you for your answer. Write again whenever you like.",
    },
    "case.queue_empty": {"ja": "待っている相談はありません。", "en": "No case is waiting."},
    "case.queue_line": {
        "ja": "#{number} {alias}（{minutes} 分待ち）",
        "en": "#{number} {alias} (waiting {minutes} min)",
    },
    "case.not_yours": {
        "ja": "この相談を担当していないため、操作できません。",
        "en": "You are not handling this case.",
    },
    "setting.greeting": {"ja": "あいさつ文を設定しました。", "en": "The greeting is set."},
    "setting.preview_on": {
        "ja": "待ち行列に最初のメッセージを表示します。",
        "en": "The queue now shows the first message.",
    },
    "setting.preview_off": {
        "ja": "待ち行列に最初のメッセージを表示しません。",
        "en": "The queue no longer shows the first message.",
    },
    "bad.on_off": {"ja": "on か off で指定してください。", "en": "Say on or off."},
    "refuse.role.case": {
        "ja": "!{name} は相談ルームで担当者が使うコマンドです。",
        "en": "!{name} is for the operator handling a case, in the case room.",
    },
    "cmd.queue": {"ja": "待っている相談の一覧", "en": "List the waiting cases"},
    "cmd.take": {"ja": "待っている相談を担当します", "en": "Take a waiting case"},
    "cmd.take.args": {"ja": "<番号>", "en": "<number>"},
    "cmd.担当する": {
        "ja": "待っている相談を担当します（!take と同じ）",
        "en": "Take a waiting case (same as !take)",
    },
    "cmd.担当する.args": {"ja": "<番号>", "en": "<number>"},
    "cmd.close": {
        "ja": "相談を終了し、満足度をお聞きします",
        "en": "Close the case and ask the client for a rating",
    },
    "cmd.transfer": {
        "ja": "別のオペレーターに引き継ぐか、待ち行列に戻します",
        "en": "Hand the case to another operator, or back to the queue",
    },
    "cmd.transfer.args": {"ja": "<ユーザーID|queue>", "en": "<user ID|queue>"},
    "cmd.set-greeting": {
        "ja": "相談が始まったときのあいさつ文を設定します",
        "en": "Set the greeting sent when a case opens",
    },
    "cmd.set-greeting.args": {"ja": "<文>", "en": "<text>"},
    "cmd.set-preview": {
        "ja": "待ち行列に最初のメッセージを表示するかどうか",
        "en": "Whether the queue shows a case's first message",
    },
    "cmd.set-preview.args": {"ja": "on|off", "en": "on|off"},
    "help.section.cases": {"ja": "相談", "en": "Cases"},
    "help.section.settings": {"ja": "設定", "en": "Settings"},
    "persona.not_allowed": {
        "ja": "このテナントでは個人のペルソナは使えません（管理者が !set-personas on で許可できます）。",
        "en": "Personal personas are not allowed in this tenant (an admin can allow them with !set-personas on).",
    },
    "persona.official": {
        "ja": "相談者には公式の窓口として表示されます。",
        "en": "Clients now see you as the official desk.",
    },
    "persona.personal": {
        "ja": "相談者には「{name}」として表示されます。",
        "en": "Clients now see you as “{name}”.",
    },
    "setting.personas_on": {
        "ja": "オペレーターが個人のペルソナで返信できるようにしました。",
        "en": "Operators may now answer under a personal persona.",
    },
    "setting.personas_off": {
        "ja": "返信はすべて公式の窓口から送られます。",
        "en": "All answers now come from the official desk.",
    },
    "cmd.persona": {
        "ja": "相談者に見える名前: 公式の窓口か、個人のペルソナか",
        "en": "How clients see you: the official desk, or a personal persona",
    },
    "cmd.persona.args": {
        "ja": "official | personal <表示名>",
        "en": "official | personal <display name>",
    },
    "cmd.set-personas": {
        "ja": "オペレーターの個人ペルソナを許可するかどうか",
        "en": "Whether operators may use personal personas",
    },
    "cmd.set-personas.args": {"ja": "on|off", "en": "on|off"},
    "routing.out_of_hours": {
        "ja": "ただいま受付時間外です。いただいたメッセージは、受付開始後に担当者が確認します。",
        "en": "We are closed at the moment. Your message will be read when we open.",
    },
    "routing.absent": {
        "ja": "ただいま対応できる担当者がいません。メッセージはお問い合わせとしてお預かりし、担当者が戻りしだいお返事します。",
        "en": "Nobody can answer right now. Your message is kept as an inquiry and someone will answer as soon as they are back.",
    },
    "routing.halt": {
        "ja": "現在このサービスは一時停止しています。再開までメッセージは担当者に届きません。",
        "en": "This service is paused at the moment; messages do not reach anyone until it resumes.",
    },
    "routing.apology": {
        "ja": "3日間お返事できず、申し訳ありません。掲示板への投稿、お電話、または窓口での相談もご利用ください。このご相談はいったん終了します。",
        "en": "We are sorry that nobody could answer within three days. Please try the board, the phone line or an in-person visit. This request is now closed.",
    },
    "routing.expired": {
        "ja": "相談 #{number} は3日間担当者が決まらなかったため、お詫びを送って終了しました。",
        "en": "Case #{number} waited three days without an operator; the client got the apology and it is closed.",
    },
    "routing.halted_operator": {
        "ja": "このテナントは一時停止中です。再開までメッセージは相談者に届きません。",
        "en": "This tenant is halted; messages do not reach the client until it resumes.",
    },
    "routing.halted_notice": {
        "ja": "このテナントを一時停止しました。再開するまで、どちらの方向にも中継しません。",
        "en": "This tenant is halted: nothing is relayed in either direction until it resumes.",
    },
    "routing.unhalted_notice": {
        "ja": "一時停止を解除しました。中継を再開します。",
        "en": "The halt is lifted; relaying resumes.",
    },
    "routing.halted_done": {"ja": "「{slug}」を一時停止しました。", "en": "Halted “{slug}”."},
    "routing.unhalted_done": {
        "ja": "「{slug}」の一時停止を解除しました。",
        "en": "Lifted the halt of “{slug}”.",
    },
    "routing.already_halted": {
        "ja": "すでに一時停止中です。",
        "en": "The tenant is halted already.",
    },
    "routing.not_halted": {"ja": "一時停止していません。", "en": "The tenant is not halted."},
    "routing.state_open": {"ja": "現在受付中です。", "en": "Open now."},
    "routing.state_closed": {
        "ja": "受付時間外です（{when} から受付）。",
        "en": "Closed until {when}.",
    },
    "routing.state_closed_indefinitely": {
        "ja": "受付時間が設定されていません（休止中）。",
        "en": "Closed: no opening hours are set.",
    },
    "routing.state_halted": {"ja": "一時停止中です。", "en": "Halted."},
    "routing.timezone": {"ja": "タイムゾーン: {zone}", "en": "Time zone: {zone}"},
    "routing.always_open": {
        "ja": "受付時間の設定なし（常時受付）",
        "en": "No hours set: always open",
    },
    "routing.closed_dates": {"ja": "休業日: {dates}", "en": "Closed on: {dates}"},
    "routing.text_set": {
        "ja": "「{kind}」の文面を設定しました。",
        "en": "The “{kind}” text is set.",
    },
    "routing.bad_text_kind": {
        "ja": "「{value}」という文面はありません（{options}）。",
        "en": "There is no text “{value}” (choose {options}).",
    },
    "routing.mode_set": {
        "ja": "割り当て: {mode}、1人あたりの上限: {limit} 件",
        "en": "Assignment: {mode}, at most {limit} open cases per operator",
    },
    "routing.bad_mode": {
        "ja": "割り当ては manual か auto です（「{value}」）。",
        "en": "The mode is manual or auto, not “{value}”.",
    },
    "routing.bad_status": {
        "ja": "状態は online、break、offline のいずれかです（「{value}」）。",
        "en": "The status is online, break or offline, not “{value}”.",
    },
    "routing.status_line": {
        "ja": "{user_id}: {status}（担当中 {load} 件）",
        "en": "{user_id}: {status} ({load} open)",
    },
    "routing.s.online": {"ja": "対応可", "en": "online"},
    "routing.s.break": {"ja": "休憩中", "en": "on a break"},
    "routing.s.offline": {"ja": "オフライン", "en": "offline"},
    "routing.nominations_on": {
        "ja": "指名を受け付けます。3日間操作がないと自動で受付を止めます。",
        "en": "You accept nominations now. After three days without activity this turns itself off.",
    },
    "routing.nominations_off": {
        "ja": "指名の受付を止めました。",
        "en": "You no longer accept nominations.",
    },
    "routing.nominations_expired": {
        "ja": "{user_id} さん、3日間操作がなかったため、指名の受付を止めました。",
        "en": "{user_id}: three days without activity, so your nominations are turned off.",
    },
    "routing.profile_first": {
        "ja": "先に !profile で表示名と紹介文を設定してください。",
        "en": "Set your public name and text with !profile first.",
    },
    "routing.profile_set": {"ja": "プロフィールを設定しました。", "en": "Your profile is set."},
    "routing.nobody_nominable": {
        "ja": "いま指名を受け付けている担当者はいません。",
        "en": "Nobody accepts nominations at the moment.",
    },
    "routing.nominable_header": {
        "ja": "指名できる担当者（!nominate 番号 で指名）:",
        "en": "You can nominate (send !nominate <number>):",
    },
    "routing.nominated": {
        "ja": "{name} さんを指名しました。この相談は {name} さんが担当します。",
        "en": "You nominated {name}; they will handle your conversation.",
    },
    "routing.already_assigned": {
        "ja": "いまのご相談にはすでに担当者がいます。",
        "en": "Your current conversation has someone already.",
    },
    "hours.bad_range": {
        "ja": "「{value}」は時間帯ではありません（例: 09:00-12:00,13:00-17:00 または closed）。",
        "en": "“{value}” is not a time range (such as 09:00-12:00,13:00-17:00, or closed).",
    },
    "hours.bad_time": {
        "ja": "「{value}」にありえない時刻があります。",
        "en": "“{value}” has an impossible time.",
    },
    "hours.end_before_start": {
        "ja": "「{value}」は終わりが始まりより前です（日付をまたぐ時間帯は2日に分けてください）。",
        "en": "“{value}” ends before it starts (split a range across midnight over two days).",
    },
    "hours.overlap": {
        "ja": "時間帯が重なっています: {value}",
        "en": "The ranges overlap: {value}",
    },
    "hours.bad_zone": {
        "ja": "「{value}」というタイムゾーンはありません。",
        "en": "There is no time zone “{value}”.",
    },
    "hours.bad_day": {
        "ja": "「{value}」は曜日ではありません（mon〜sun）。",
        "en": "“{value}” is not a weekday (mon to sun).",
    },
    "help.section.routing": {"ja": "割り当て", "en": "Routing"},
    "help.section.hours": {"ja": "受付時間と停止", "en": "Hours and halting"},
    "cmd.status": {
        "ja": "自分の状態を設定し、全員の状態を表示します",
        "en": "Set your status and show everyone's",
    },
    "cmd.status.args": {"ja": "[online|break|offline]", "en": "[online|break|offline]"},
    "cmd.nominations": {"ja": "指名を受け付けるかどうか", "en": "Whether you accept nominations"},
    "cmd.nominations.args": {"ja": "on|off", "en": "on|off"},
    "cmd.profile": {
        "ja": "指名の一覧に出る表示名と紹介文",
        "en": "Your public name and text in the nomination list",
    },
    "cmd.profile.args": {"ja": "<表示名> | <紹介文>", "en": "<name> | <text>"},
    "cmd.hours": {
        "ja": "受付時間と現在の状態",
        "en": "Show the hours and whether the desk is open now",
    },
    "cmd.set-hours": {
        "ja": "曜日ごとの受付時間を設定します",
        "en": "Set one weekday's opening hours",
    },
    "cmd.set-hours.args": {
        "ja": "<mon..sun> <09:00-12:00,13:00-17:00|closed>",
        "en": "<mon..sun> <09:00-12:00,13:00-17:00|closed>",
    },
    "cmd.set-timezone": {"ja": "タイムゾーンを設定します", "en": "Set the time zone"},
    "cmd.set-timezone.args": {"ja": "<例: Asia/Tokyo>", "en": "<such as Asia/Tokyo>"},
    "cmd.closed-date": {
        "ja": "休業日を追加・削除します（YYYY-MM-DD..YYYY-MM-DD で期間ごと）",
        "en": "Add or remove a closed date (YYYY-MM-DD..YYYY-MM-DD for a whole period)",
    },
    "cmd.closed-date.args": {
        "ja": "add|remove <YYYY-MM-DD>[..<YYYY-MM-DD>]",
        "en": "add|remove <YYYY-MM-DD>[..<YYYY-MM-DD>]",
    },
    "bad.period": {
        "ja": "期間 {first}..{last} は使えません（始まりが終わり以前で、{max} 日以内にしてください）。",
        "en": "The period {first}..{last} cannot be used: it must start on or before its end and span at most {max} days.",
    },
    "cmd.set-text": {"ja": "お知らせの文面を設定します", "en": "Set the wording of a notice"},
    "cmd.set-text.args": {
        "ja": "out_of_hours|absent|halt|apology <文>",
        "en": "out_of_hours|absent|halt|apology <text>",
    },
    "cmd.set-mode": {
        "ja": "割り当て方法と1人あたりの上限",
        "en": "How cases are assigned, and the per-operator limit",
    },
    "cmd.set-mode.args": {"ja": "manual|auto [上限]", "en": "manual|auto [limit]"},
    "cmd.halt": {
        "ja": "すぐに一時停止します（中継を止めます）",
        "en": "Halt at once (nothing is relayed)",
    },
    "cmd.unhalt": {"ja": "一時停止を解除します", "en": "Lift the halt"},
    "cmd.halt-tenant": {"ja": "テナントを一時停止します", "en": "Halt a tenant"},
    "cmd.halt-tenant.args": {"ja": "<スラッグ>", "en": "<slug>"},
    "cmd.unhalt-tenant": {"ja": "テナントの一時停止を解除します", "en": "Lift a tenant's halt"},
    "cmd.unhalt-tenant.args": {"ja": "<スラッグ>", "en": "<slug>"},
    "intake.format": {
        "ja": "書き方: 質問 | 選択肢=チーム | 選択肢=チーム（選択肢は2つ以上）",
        "en": "Write it as: question | answer=team | answer=team (two answers or more)",
    },
    "intake.fallback": {
        "ja": "アンケートが表示されない場合は、番号だけを返信してください。",
        "en": "If you cannot see the poll, reply with just the number.",
    },
    "intake.thanks": {
        "ja": "ありがとうございます。担当者におつなぎします。",
        "en": "Thank you. We are finding the right person for you.",
    },
    "intake.set": {"ja": "最初の質問を設定しました。", "en": "The intake question is set."},
    "intake.cleared": {
        "ja": "最初の質問をなくしました。",
        "en": "The intake question is removed.",
    },
    "intake.team_set": {"ja": "{user_id} のチーム: {team}", "en": "{user_id} is in team: {team}"},
    "cmd.set-intake": {
        "ja": "相談の始めに送る質問と、答えごとの担当チーム",
        "en": "The question asked when a case opens, and the team for each answer",
    },
    "cmd.set-intake.args": {
        "ja": "<質問> | <選択肢>=<チーム> | … または none",
        "en": "<question> | <answer>=<team> | … or none",
    },
    "cmd.set-team": {"ja": "オペレーターのチームを設定します", "en": "Put an operator in a team"},
    "cmd.set-team.args": {"ja": "<ユーザーID> <チーム|none>", "en": "<user ID> <team|none>"},
}

MESSAGES.update(RECORD_MESSAGES)
MESSAGES.update(BOARD_MESSAGES)
MESSAGES.update(SESSION_MESSAGES)
MESSAGES.update(LETTER_MESSAGES)
MESSAGES.update(STATEMENT_MESSAGES)


def t(lang: Lang, key: str, **params: object) -> str:
    text = MESSAGES[key][lang]
    return text.format(**params) if params else text

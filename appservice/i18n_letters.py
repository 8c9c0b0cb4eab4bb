"""Texts of letter counseling: package types and packages, numbered replies, deadlines in
business days, the continue question and payment, counselors' days off."""

from __future__ import annotations

from typing import Literal

MESSAGES: dict[str, dict[Literal["ja", "en"], str]] = {
    "help.section.letters": {"ja": "手紙相談", "en": "Letter counseling"},
    # Commands
    "cmd.package-type": {
        "ja": "パッケージの種類を追加・変更・削除します（replies=返信数 days=返信期限の営業日数 chars=文字数上限 price=料金）",
        "en": "Add, change or remove a package type (replies= number of replies, days= reply deadline in business days, chars= character limit, price=)",
    },
    "cmd.package-type.args": {
        "ja": "add <名前> [replies=4] [days=2] [chars=3000] [price=0] | remove <名前>",
        "en": "add <name> [replies=4] [days=2] [chars=3000] [price=0] | remove <name>",
    },
    "cmd.package-types": {"ja": "パッケージの種類の一覧", "en": "The package types"},
    "cmd.package-grant": {
        "ja": "相談者にパッケージを付与します（支払いは外で済んだもの）。担当者を指定しなければ相談者が !operators と !nominate で選びます",
        "en": "Grant a package to a client (paid outside soudan); without a counselor, the client chooses one with !operators and !nominate",
    },
    "cmd.package-grant.args": {
        "ja": "<相談者> <種類> [@担当者]",
        "en": "<client> <type> [@operator]",
    },
    "cmd.packages": {
        "ja": "パッケージの一覧（管理室では全員分、ほかでは自分の担当分）",
        "en": "Packages (all in the admin room, your own elsewhere)",
    },
    "cmd.packages.args": {
        "ja": "[pending|active|done|ended|cancelled]",
        "en": "[pending|active|done|ended|cancelled]",
    },
    "cmd.package-paid": {
        "ja": "支払い待ちのパッケージの入金を確認し、開始します",
        "en": "Confirm the payment of a package waiting for it; the package starts",
    },
    "cmd.package-paid.args": {"ja": "<P番号>", "en": "<P-number>"},
    "cmd.package-cancel": {
        "ja": "支払い待ち、またはまだ返信のないパッケージを取り消します",
        "en": "Cancel a package waiting for payment, or one not answered yet",
    },
    "cmd.package-cancel.args": {"ja": "<P番号>", "en": "<P-number>"},
    "cmd.letter": {
        "ja": "このケースのパッケージ（返信数と返信期限）",
        "en": "This case's package: replies sent and the reply deadline",
    },
    "cmd.letter-settings": {
        "ja": "手紙相談と明細の設定（country=祝日の国 session-price=セッション料金 package-month=started|completed currency=通貨 letter-reminder=start|6h）",
        "en": "Letter and statement settings (country= whose public holidays, session-price=, package-month=started|completed, currency=, letter-reminder=start|6h)",
    },
    "cmd.letter-settings.args": {"ja": "[キー=値 …]", "en": "[key=value …]"},
    "cmd.letters": {
        "ja": "手紙相談を受けるかどうか（受ける担当者だけが相談者の指名リストに出ます）",
        "en": "Whether you take letter counseling (only those who do are offered to clients choosing a counselor)",
    },
    "cmd.letters.args": {"ja": "on|off", "en": "on|off"},
    "cmd.letters.args.admin": {"ja": "@担当者 on|off", "en": "@operator on|off"},
    "cmd.days-off": {
        "ja": "休みの日（返信期限に数えない日）: 毎週の休み（weekly sat,sun か none）と個別の休み（add/remove 日付か期間）",
        "en": "Days off (not counted for reply deadlines): weekly days off (weekly sat,sun or none) and your own dates (add/remove a date or a period)",
    },
    "cmd.days-off.args": {
        "ja": "[weekly <曜日,…>|add <YYYY-MM-DD>[..<YYYY-MM-DD>]|remove <YYYY-MM-DD>[..<YYYY-MM-DD>]]",
        "en": "[weekly <days,…>|add <YYYY-MM-DD>[..<YYYY-MM-DD>]|remove <YYYY-MM-DD>[..<YYYY-MM-DD>]]",
    },
    "cmd.days-off.args.admin": {
        "ja": "@担当者 [weekly <曜日,…>|add <日付>|remove <日付>]",
        "en": "@operator [weekly <days,…>|add <date>|remove <date>]",
    },
    # Terms and types
    "letters.term.replies": {"ja": "返信数", "en": "number of replies"},
    "letters.term.days": {"ja": "返信期限の営業日数", "en": "reply deadline in business days"},
    "letters.term.chars": {"ja": "文字数上限", "en": "character limit"},
    "letters.term.price": {"ja": "料金", "en": "price"},
    "letters.unknown_option": {
        "ja": "「{option}」という項目はありません（使えるのは {options}）。",
        "en": "There is no option “{option}” (options: {options}).",
    },
    "letters.unknown_type": {
        "ja": "パッケージの種類「{name}」はありません（あるのは: {known}）。",
        "en": "There is no package type “{name}” (known: {known}).",
    },
    "letters.type_line": {
        "ja": "{name}: 返信 {replies} 回・{days} 営業日以内・{chars} 文字まで・{price}",
        "en": "{name}: {replies} replies, within {days} business days, up to {chars} characters, {price}",
    },
    "letters.type_saved": {
        "ja": "パッケージの種類を保存しました。\n{line}",
        "en": "Package type saved.\n{line}",
    },
    "letters.type_removed": {
        "ja": "パッケージの種類「{name}」を削除しました（付与済みのパッケージはそのままです）。",
        "en": "Package type “{name}” removed (packages already granted keep their terms).",
    },
    "letters.no_types": {
        "ja": "パッケージの種類はまだありません（!package-type add）。",
        "en": "No package types yet (!package-type add).",
    },
    # Packages
    "letters.has_package": {
        "ja": "この相談者にはパッケージ {package} がまだあります。",
        "en": "This client still has package {package}.",
    },
    "letters.granted": {
        "ja": "パッケージ {package} を付与しました。\n{line}",
        "en": "Package {package} granted.\n{line}",
    },
    "letters.client_granted": {
        "ja": "手紙相談のパッケージ（{package}）が使えるようになりました。返信は {replies} 回、1 通は {chars} 文字までです。このルームに手紙を書いてください。担当者が {days} 営業日以内にお返事します。",
        "en": "Your letter counseling package ({package}) is ready: {replies} replies, and each letter may have up to {chars} characters. Write your letter in this room; your counselor answers within {days} business days.",
    },
    "letters.client_paid": {
        "ja": "お支払いを確認しました。新しいパッケージ（{package}）で手紙相談を続けられます。",
        "en": "Your payment is confirmed: letter counseling continues with the new package ({package}).",
    },
    "letters.choose_counselor": {
        "ja": "まず担当者を選んでください: !operators で一覧を見て、!nominate <番号> で選びます。",
        "en": "First choose your counselor: !operators shows the list, and !nominate <number> chooses.",
    },
    "letters.nobody_takes_letters": {
        "ja": "いま手紙相談を受けている担当者がいません。事務局にお問い合わせください。",
        "en": "No counselor takes letters at the moment; please ask the office.",
    },
    "letters.counselor_chosen": {
        "ja": "{name} さんが担当します。このルームに手紙を書いてください。",
        "en": "{name} is your counselor. Write your letter in this room.",
    },
    "letters.operator_granted": {
        "ja": "手紙相談のパッケージ {package}（{alias}）の担当になりました。\n{terms}",
        "en": "You are the counselor of letter package {package} ({alias}).\n{terms}",
    },
    "letters.unknown_package": {
        "ja": "パッケージ {package} はありません。",
        "en": "There is no package {package}.",
    },
    "letters.not_pending": {
        "ja": "パッケージ {package} は支払い待ちではありません（状態: {state}）。何も変えていません。",
        "en": "Package {package} is not waiting for payment (it is {state}); nothing changed.",
    },
    "letters.not_cancellable": {
        "ja": "パッケージ {package} は取り消せません（状態: {state}）。取り消せるのは支払い待ちか、まだ返信のないものです。",
        "en": "Package {package} cannot be cancelled (it is {state}): only one waiting for payment or not answered yet can be.",
    },
    "letters.paid_done": {
        "ja": "パッケージ {package} の入金を確認しました。開始しています。",
        "en": "Payment of package {package} confirmed; it runs now.",
    },
    "letters.not_running": {
        "ja": "パッケージ {package} は終わっています（状態: {state}）。何も変えていません。",
        "en": "Package {package} is over (it is {state}); nothing changed.",
    },
    "letters.client_gone": {
        "ja": "パッケージ {package} の相談者はもういません。",
        "en": "The client of package {package} is no longer there.",
    },
    "letters.counselor_left": {
        "ja": "パッケージ {package}（{alias}）の担当者がいなくなりました。新しい担当者を決めてください: !package-counselor {package} @担当者",
        "en": "Package {package} ({alias}) has lost its counselor. Choose another: !package-counselor {package} @operator",
    },
    "letters.reassigned": {
        "ja": "パッケージ {package} の担当を {operator} にしました。",
        "en": "Package {package} now has {operator} as its counselor.",
    },
    "cmd.package-counselor": {
        "ja": "パッケージの担当者を替えます（返信待ちの手紙の期限は今から数え直します）",
        "en": "Give a package to another counselor (a letter waiting for its reply is due counting from now)",
    },
    "cmd.package-counselor.args": {"ja": "<P番号> @担当者", "en": "<P-number> @operator"},
    "letters.cancelled": {
        "ja": "パッケージ {package} を取り消しました。",
        "en": "Package {package} cancelled.",
    },
    "letters.status.pending": {"ja": "支払い待ち", "en": "waiting for payment"},
    "letters.status.active": {"ja": "進行中", "en": "active"},
    "letters.status.done": {
        "ja": "最終返信済み（継続の回答待ち）",
        "en": "last reply sent (continue? asked)",
    },
    "letters.status.ended": {"ja": "終了", "en": "ended"},
    "letters.status.cancelled": {"ja": "取り消し", "en": "cancelled"},
    "letters.package_line": {
        "ja": "{package} {alias} · {name} · 返信 {sent}/{replies} · {status} · 担当 {operator}",
        "en": "{package} {alias} · {name} · replies {sent}/{replies} · {status} · counselor {operator}",
    },
    "letters.no_packages": {"ja": "該当するパッケージはありません。", "en": "No packages."},
    "letters.due_short": {"ja": "期限 {due}", "en": "due {due}"},
    "letters.no_package_here": {
        "ja": "このケースの相談者には手紙相談のパッケージがありません。",
        "en": "This case's client has no letter package.",
    },
    "letters.no_templates": {
        "ja": "手紙相談のケースではテンプレートは使えません。返信は通常のメッセージで送ってください（番号が付きます）。",
        "en": "Templates cannot be used in a letter case: send the reply as a normal message (it is numbered).",
    },
    # Numbered replies and deadlines
    "letters.number": {"ja": "【返信 {n}/{total}】", "en": "[Reply {n}/{total}]"},
    "letters.number_final": {
        "ja": "【返信 {n}/{total}・最終】",
        "en": "[Reply {n}/{total} · final]",
    },
    "letters.due_line": {"ja": "{number} の期限: {due}", "en": "{number} is due by {due}"},
    "letters.received": {
        "ja": "手紙が届きました（{package}）。{number} の返信期限は {due} です。",
        "en": "A letter arrived ({package}). {number} is due by {due}.",
    },
    "letters.too_long_client": {
        "ja": "この手紙は {length} 文字あり、上限の {limit} 文字を超えているため送られていません。短くしてもう一度送ってください。",
        "en": "This letter has {length} characters, over the limit of {limit}, so it was not sent. Please shorten it and send it again.",
    },
    "letters.too_long_operator": {
        "ja": "送っていません: この返信は {length} 文字あり、上限は {limit} 文字です。",
        "en": "Not sent: this reply has {length} characters; the limit is {limit}.",
    },
    "letters.wait_payment": {
        "ja": "送っていません: 次のパッケージ {package} は支払い待ちです。事務局が入金を確認するまで返信できません。",
        "en": "Not sent: the next package {package} is waiting for payment. You can reply once the office has confirmed it.",
    },
    "letters.package_done": {
        "ja": "送っていません: パッケージ {package} の返信はすべて送りました。相談者の継続の回答と入金確認を待ってください。",
        "en": "Not sent: every reply of package {package} has been sent. Wait for the client's answer on continuing and for the payment.",
    },
    "letters.reply_sent": {
        "ja": "{number} として送りました（{package}）。",
        "en": "Sent as {number} ({package}).",
    },
    "letters.reply_sent_final": {
        "ja": "{number} として送りました。パッケージ {package} の最後の返信です。相談者に継続するか尋ねました。",
        "en": "Sent as {number}, the last reply of package {package}. The client was asked whether to continue.",
    },
    "letters.operator_paid": {
        "ja": "パッケージ {package} の入金が確認されました。{first} から返信できます。",
        "en": "Payment of package {package} is confirmed: you can send {first}.",
    },
    "letters.reminder": {
        "ja": "リマインダー: {alias} さんへの {number} の期限は {due} です。",
        "en": "Reminder: {number} to {alias} is due by {due}.",
    },
    "letters.overdue_admin": {
        "ja": "期限超過: パッケージ {package}（{alias}、担当 {operator}）の {number} は {due} が期限でしたが、まだ送られていません。",
        "en": "Overdue: {number} of package {package} ({alias}, counselor {operator}) was due by {due} and has not been sent.",
    },
    "letters.overdue_operator": {
        "ja": "期限超過: {alias} さんへの {number} は {due} が期限でした。管理者にも知らせています。",
        "en": "Overdue: {number} to {alias} was due by {due}. The admins have been told.",
    },
    # Continuing
    "letters.continue_question": {
        "ja": "{replies} 回の返信がすべて届きました。手紙相談を続けますか？（続ける場合は新しいパッケージのお支払いが必要です）",
        "en": "All {replies} replies have been sent. Would you like to continue letter counseling? (Continuing needs the payment of a new package.)",
    },
    "letters.continue_yes": {"ja": "続ける", "en": "Continue"},
    "letters.continue_no": {"ja": "ここで終える", "en": "Finish here"},
    "letters.continue_fallback": {
        "ja": "番号（1 か 2）を送って答えることもできます。",
        "en": "You can also answer by sending the number (1 or 2).",
    },
    "letters.continue_client": {
        "ja": "継続のお申し込みを受け付けました（{package}）。事務局が入金を確認したら、担当者からお返事が届きます。手紙はこのまま書いておけます。",
        "en": "Your request to continue is noted ({package}). Once the office confirms the payment, your counselor will answer. You can write your next letter now.",
    },
    "letters.continue_admin": {
        "ja": "{alias} さんが手紙相談の継続を希望しました（{previous} の次、新しいパッケージ {package} は支払い待ち）。\n{terms}\n入金を確認したら: !package-paid {package}",
        "en": "{alias} asked to continue letter counseling after {previous}: new package {package} waits for payment.\n{terms}\nOnce paid: !package-paid {package}",
    },
    "letters.continue_operator": {
        "ja": "相談者が継続を希望しました。新しいパッケージ {package} は支払い待ちで、入金確認まで返信できません。",
        "en": "The client wants to continue. The new package {package} waits for payment; you cannot reply until it is confirmed.",
    },
    "letters.finished_client": {
        "ja": "手紙相談をご利用いただきありがとうございました。",
        "en": "Thank you for using letter counseling.",
    },
    "letters.finished_operator": {
        "ja": "相談者はパッケージ {package} で手紙相談を終えることにしました。",
        "en": "The client chose to finish letter counseling with package {package}.",
    },
    # Days off and settings
    "letters.days_off": {
        "ja": "手紙相談: {accepts}\n毎週の休み: {weekly}\n個別の休み: {days}",
        "en": "Letters: {accepts}\nWeekly days off: {weekly}\nOwn days off: {days}",
    },
    "letters.accepts_on": {"ja": "受ける", "en": "taken"},
    "letters.accepts_off": {"ja": "受けない", "en": "not taken"},
    "letters.bad_weekday": {
        "ja": "「{value}」は曜日ではありません（{options} か none）。",
        "en": "“{value}” is not a weekday (use {options}, or none).",
    },
    "letters.every_day_off": {
        "ja": "毎日を休みにはできません（返信期限が決まらなくなります）。",
        "en": "Every day cannot be a day off: no reply could ever be due.",
    },
    "letters.too_many_days_off": {
        "ja": "個別の休みは {max} 日までです。",
        "en": "At most {max} own days off can be kept.",
    },
    "letters.settings": {
        "ja": "祝日の国: {country}\n通貨: {currency}\nセッション料金: {session_price}\nパッケージを計上する月: {package_month}\n返信のリマインダー: {letter_reminder}",
        "en": "Public holidays of: {country}\nCurrency: {currency}\nSession price: {session_price}\nPackages count in the month they are: {package_month}\nReply reminder: {letter_reminder}",
    },
    "letters.bad_reminder": {
        "ja": "「{value}」は使えません（start で最終営業日の 9:00、または 6h のように期限の何時間前か。{max}h まで）。",
        "en": "“{value}” cannot be used: start (09:00 on the last business day), or hours before the due time such as 6h (up to {max}h).",
    },
    "letters.unknown_setting": {
        "ja": "「{setting}」という設定はありません（使えるのは {options}）。",
        "en": "There is no setting “{setting}” (settings: {options}).",
    },
    "letters.bad_country": {
        "ja": "「{value}」は祝日の分かる国コードではありません（例: JP、none で祝日なし）。",
        "en": "“{value}” is not a country code with known public holidays (such as JP; none for no holidays).",
    },
    "letters.bad_currency": {
        "ja": "「{value}」は通貨コードではありません（例: JPY）。",
        "en": "“{value}” is not a currency code (such as JPY).",
    },
    "letters.bad_package_month": {
        "ja": "「{value}」は使えません（{options}）。",
        "en": "“{value}” cannot be used ({options}).",
    },
}

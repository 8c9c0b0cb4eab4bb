"""Texts of the board: clients' topics, members' answers, moderation."""

from __future__ import annotations

from typing import Literal

MESSAGES: dict[str, dict[Literal["ja", "en"], str]] = {
    "help.section.board": {"ja": "掲示板", "en": "Board"},
    "refuse.role.board": {
        "ja": "!{name} は掲示板ルームで使うコマンドです。",
        "en": "!{name} is used in the board room.",
    },
    "notify.new_topic": {
        "ja": "掲示板に新しいトピック {topic} が投稿されました。",
        "en": "New topic {topic} on the board.",
    },
    "routing.not_nominable": {
        "ja": "{name} さんはいま指名を受け付けていません。",
        "en": "{name} does not accept nominations at the moment.",
    },
    # Rooms and names
    "board.room_name": {"ja": "{name} 掲示板（スタッフ）", "en": "{name} board (staff)"},
    "board.room_topic": {
        "ja": (
            "利用者の掲示板トピックです。回答はトピックのスレッドに返信してください。!unanswered "
            "で未回答の一覧。"
        ),
        "en": (
            "Clients' board topics. Answer by replying in a topic's thread. !unanswered lists the "
            "topics you have not answered."
        ),
    },
    "board.room_welcome": {
        "ja": (
            "掲示板ルームです。トピックはそれぞれスレッドになっています。スレッドに書いた返信が、"
            "メンバーの回答として投稿者に届きます（表示名はプロフィールの名前）。\n!unanswered — "
            "まだ回答していないトピック"
        ),
        "en": (
            "This is the board room. Each topic is a thread; what you write in a thread reaches "
            "the poster as a member's answer, under your profile name.\n!unanswered — topics you "
            "have not answered yet"
        ),
    },
    "board.ghost_name": {"ja": "{name} 掲示板", "en": "{name} board"},
    "board.client_room_name": {"ja": "{name} 掲示板", "en": "{name} board"},
    "board.client_room_topic": {
        "ja": "掲示板です。新しいメッセージがトピックになります。!help で使い方。",
        "en": "The board. A new message posts a topic. !help shows how it works.",
    },
    "board.client_welcome": {
        "ja": (
            "掲示板へようこそ。\n・ここに書いたメッセージが新しいトピックとして匿名で投稿されます"
            "（{length} 文字まで）。あなたの名前は誰にも表示されません。\n・メンバーからの回答はト"
            "ピックのスレッドに届きます。スレッドに書くと追記になります。\n・!topics でみんなのト"
            "ピック、!topic <番号> でトピックと回答を表示します。\n・!help で使い方を表示します。"
        ),
        "en": (
            "Welcome to the board.\n• A message you write here is posted as a new topic, "
            "anonymously (up to {length} characters). Nobody sees your name.\n• Members' answers "
            "arrive in the topic's thread; writing in the thread adds to your topic.\n• !topics "
            "lists everyone's topics, !topic <number> shows a topic with its answers.\n• !help "
            "shows how it works."
        ),
    },
    "board.opened": {
        "ja": "掲示板を開きました。ルーム一覧の「{name}」をご覧ください。",
        "en": "Your board is open: see “{name}” in your room list.",
    },
    "board.alias": {"ja": "投稿者 {topic}", "en": "Poster {topic}"},
    "board.badge": {"ja": "【メンバー】", "en": "[Member]"},
    "board.answer_footer": {
        "ja": "プロフィール: !profile {ref} ／ 指名して相談: !nominate {ref}",
        "en": "Profile: !profile {ref} / Ask for a chat: !nominate {ref}",
    },
    # Posting
    "board.posted": {
        "ja": "トピック {topic} として投稿しました。メンバーの回答はこのスレッドに届きます。",
        "en": "Posted as topic {topic}. Members' answers will arrive in this thread.",
    },
    "board.new_answer": {
        "ja": (
            "掲示板のトピック {topic} にメンバーから回答が届きました。掲示板ルームでご覧ください。"
        ),
        "en": "A member answered your board topic {topic}. See your board room.",
    },
    "board.off": {
        "ja": "この窓口では掲示板を利用できません。",
        "en": "The board is not available here.",
    },
    "board.text_only": {
        "ja": "投稿されませんでした: 掲示板に投稿できるのは文章だけです。",
        "en": "Not posted: the board takes text only.",
    },
    "board.empty": {
        "ja": "投稿されませんでした: 本文が空です。",
        "en": "Not posted: the message is empty.",
    },
    "board.too_long": {
        "ja": "投稿されませんでした: {length} 文字あります。{limit} 文字以内にしてください。",
        "en": "Not posted: it has {length} characters; the limit is {limit}. Please shorten it.",
    },
    "board.daily_limit": {
        "ja": (
            "投稿されませんでした: 新しいトピックは1日 {limit} 件までです。明日また投稿できます。"
            "既存のトピックへの追記はスレッドからどうぞ。"
        ),
        "en": (
            "Not posted: you can start {limit} topics a day. You can post again tomorrow, or add "
            "to a topic in its thread."
        ),
    },
    "board.not_your_topic": {
        "ja": (
            "投稿されませんでした: {topic} はあなたのトピックではありません。追記できるのは自分の"
            "トピックだけです。"
        ),
        "en": "Not posted: {topic} is not your topic; you can add only to your own.",
    },
    "board.topic_hidden": {
        "ja": "{topic} は非表示になったため、書き込めません。",
        "en": "{topic} was removed; nothing can be added to it.",
    },
    "board.topic_closed": {
        "ja": "{topic} は締め切られたため、書き込めません。",
        "en": "{topic} is closed; nothing can be added to it.",
    },
    "board.topic_removed": {
        "ja": "あなたのトピック {topic} は運営により非表示になりました。",
        "en": "Your topic {topic} was removed by the moderators.",
    },
    # Operators
    "board.answer_in_thread": {
        "ja": (
            "送信されませんでした: 回答はトピックのスレッドに返信してください。（コマンドは ! で始"
            "めます）"
        ),
        "en": "Not sent: answer a topic by replying in its thread. (Commands start with !)",
    },
    "board.operators_only": {
        "ja": "送信されませんでした: 掲示板に回答できるのはオペレーターだけです。",
        "en": "Not sent: only operators answer on the board.",
    },
    "board.templates_only": {
        "ja": (
            "送信されませんでした: あなたはテンプレートだけを送れる設定のため、掲示板には回答でき"
            "ません。"
        ),
        "en": "Not sent: you may send templates only, so you cannot answer on the board.",
    },
    "board.profile_first": {
        "ja": (
            "送信されませんでした: 先にプロフィールを設定してください（スタッフルームで !profile <"
            "名前> | <紹介文>）。回答にはその名前が表示されます。"
        ),
        "en": (
            "Not sent: set your profile first (!profile <name> | <about> in the staff room). Your "
            "answers show that name."
        ),
    },
    "board.none_unanswered": {
        "ja": "未回答のトピックはありません。",
        "en": "There are no topics you have not answered.",
    },
    "board.unanswered_header": {
        "ja": "あなたが未回答のトピック（{count} 件、古い順）:",
        "en": "Topics you have not answered ({count}, oldest first):",
    },
    "board.unanswered_more": {
        "ja": "…ほか {count} 件（古い順に表示しています。回答すると一覧から外れます）",
        "en": "… and {count} more (the oldest are shown; answered topics leave the list)",
    },
    "board.age_minutes": {"ja": "{n} 分前", "en": "{n} min ago"},
    "board.age_hours": {"ja": "{n} 時間前", "en": "{n} h ago"},
    "board.age_days": {"ja": "{n} 日前", "en": "{n} days ago"},
    # Browsing
    "board.no_topics": {"ja": "トピックはまだありません。", "en": "There are no topics yet."},
    "board.no_more": {"ja": "これ以上のトピックはありません。", "en": "There are no more topics."},
    "board.list_header": {
        "ja": "掲示板のトピック（新しい順、{page}/{pages} ページ）:",
        "en": "Board topics (latest first, page {page} of {pages}):",
    },
    "board.list_line": {
        "ja": "{topic} · 回答 {answers} · {age} — {text}",
        "en": "{topic} · {answers} answers · {age} — {text}",
    },
    "board.list_footer": {
        "ja": "!topic <番号> で開く ／ 次のページ: !topics {next}",
        "en": "!topic <number> opens one / next page: !topics {next}",
    },
    "board.yours": {"ja": "（あなたの投稿）", "en": " (yours)"},
    "board.closed_mark": {"ja": "（締切）", "en": " (closed)"},
    "board.hidden_mark": {"ja": "（非表示）", "en": " (hidden)"},
    "board.topic_head": {
        "ja": "{topic}（{age}・回答 {answers} 件）",
        "en": "{topic} ({age}, {answers} answers)",
    },
    "board.follow_up_by_author": {"ja": "投稿者の追記:\n{text}", "en": "The poster adds:\n{text}"},
    "board.more_posts": {
        "ja": "続き: !topic {topic} {page}",
        "en": "More: !topic {topic} {page}",
    },
    "board.bad_topic": {
        "ja": "「{value}」はトピック番号ではありません（例: 42 または T-0042）。",
        "en": "“{value}” is not a topic number (for example 42 or T-0042).",
    },
    "board.unknown_topic": {
        "ja": "トピック {topic} はありません。",
        "en": "There is no topic {topic}.",
    },
    "board.bad_answer": {
        "ja": "「{value}」は回答の番号ではありません（例: 42-1 はトピック 42 の1番目の回答）。",
        "en": "“{value}” is not an answer number (for example 42-1: topic 42, answer 1).",
    },
    "board.unknown_answer": {"ja": "回答 {ref} はありません。", "en": "There is no answer {ref}."},
    "board.which_answer": {
        "ja": (
            "どの回答か指定してください: 回答への返信で送るか、番号を付けてください（例: !profile "
            "42-1）。"
        ),
        "en": "Which answer? Reply to the answer, or give its number (for example !profile 42-1).",
    },
    "board.member_gone": {
        "ja": "このメンバーはいま表示できません。",
        "en": "This member cannot be shown any more.",
    },
    "board.profile_head": {"ja": "メンバー: {name}", "en": "Member: {name}"},
    "board.profile_nominations_on": {
        "ja": "チャット相談の指名を受け付けています: !nominate {ref}",
        "en": "Accepts nominations for a chat consultation: !nominate {ref}",
    },
    "board.profile_nominations_off": {
        "ja": "いまはチャット相談の指名を受け付けていません。",
        "en": "Does not accept nominations at the moment.",
    },
    "board.nominated": {
        "ja": "{name} さんを指名しました。相談はデスクとのチャットルームで続きます。",
        "en": "You nominated {name}. The consultation continues in your chat room with the desk.",
    },
    "board.nominated_chat": {
        "ja": "掲示板から {name} さんを指名しました。{name} さんがこちらでお返事します。",
        "en": "You nominated {name} from the board; {name} will answer you here.",
    },
    # Moderation
    "board.not_moderator": {
        "ja": "掲示板の管理は管理者と、管理者が許可したオペレーターだけが行えます。",
        "en": "Only admins, and operators they allow, moderate the board.",
    },
    "board.hidden": {
        "ja": "{topic} を非表示にしました（記録は残ります）。",
        "en": "{topic} is hidden (the record is kept).",
    },
    "board.answer_hidden": {
        "ja": "回答 {ref} を非表示にしました（記録は残ります）。",
        "en": "Answer {ref} is hidden (the record is kept).",
    },
    "board.already_hidden": {
        "ja": "{topic} はすでに非表示です。",
        "en": "{topic} is already hidden.",
    },
    "board.answer_already_hidden": {
        "ja": "回答 {ref} はすでに非表示です。",
        "en": "Answer {ref} is already hidden.",
    },
    "board.closed": {
        "ja": "{topic} を締め切りました。新しい回答と追記は受け付けません。",
        "en": "{topic} is closed: it takes no more answers or additions.",
    },
    "board.reopened": {
        "ja": "{topic} の受付を再開しました。",
        "en": "{topic} is open again.",
    },
    "board.already_closed": {
        "ja": "{topic} はすでに締め切られています。",
        "en": "{topic} is already closed.",
    },
    "board.not_closed": {"ja": "{topic} は締め切られていません。", "en": "{topic} is not closed."},
    "board.settings": {
        "ja": (
            "掲示板: {enabled}\n・1件の文字数上限: {length}\n・1日の新規トピック上限（利用者ごと）"
            ": {daily}"
        ),
        "en": (
            "Board: {enabled}\n• characters per topic or answer: {length}\n• new topics per "
            "client and day: {daily}"
        ),
    },
    "board.on": {"ja": "利用する", "en": "on"},
    "board.off_word": {"ja": "利用しない", "en": "off"},
    # Commands
    "cmd.unanswered": {
        "ja": "自分が未回答の掲示板トピック（古い順）",
        "en": "Board topics you have not answered, oldest first",
    },
    "cmd.topics": {
        "ja": "掲示板のトピック一覧（非表示・締切も表示）",
        "en": "List the board's topics (hidden and closed ones too)",
    },
    "cmd.topics.args": {"ja": "[ページ]", "en": "[page]"},
    "cmd.hide-topic": {
        "ja": "トピックを非表示にします（全員から見えなくなり、記録は残ります）",
        "en": "Hide a topic everywhere (the record is kept)",
    },
    "cmd.hide-topic.args": {"ja": "<トピック番号>", "en": "<topic number>"},
    "cmd.hide-answer": {
        "ja": "回答を非表示にします（記録は残ります）",
        "en": "Hide an answer everywhere (the record is kept)",
    },
    "cmd.hide-answer.args": {"ja": "<トピック番号-回答番号>", "en": "<topic-answer, e.g. 42-1>"},
    "cmd.close-topic": {
        "ja": "トピックを締め切ります（回答と追記を受け付けない）",
        "en": "Close a topic for answers and additions",
    },
    "cmd.close-topic.args": {"ja": "<トピック番号>", "en": "<topic number>"},
    "cmd.reopen-topic": {
        "ja": "締め切ったトピックを再開します",
        "en": "Open a closed topic again",
    },
    "cmd.reopen-topic.args": {"ja": "<トピック番号>", "en": "<topic number>"},
    "cmd.board-settings": {
        "ja": "掲示板の設定を表示・変更します",
        "en": "Show or change the board's settings",
    },
    "cmd.board-settings.args": {
        "ja": "[enabled=on|off] [length=<文字数>] [daily=<件数>]",
        "en": "[enabled=on|off] [length=<characters>] [daily=<topics>]",
    },
}

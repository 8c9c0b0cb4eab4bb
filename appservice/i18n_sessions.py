"""Texts of scheduled sessions: slots, bookings, reminders, video links and calendars."""

from __future__ import annotations

from typing import Literal

MESSAGES: dict[str, dict[Literal["ja", "en"], str]] = {
    "help.section.sessions": {"ja": "予約セッション", "en": "Scheduled sessions"},
    # Commands
    "cmd.slot-add": {
        "ja": "予約枠を追加します（時刻はテナントのタイムゾーン、繰り返しは weekly か biweekly で until= か count= が必要）",
        "en": "Add availability slots (times in the tenant's time zone; a repeat, weekly or biweekly, needs until= or count=)",
    },
    "cmd.slot-add.args": {
        "ja": "YYYY-MM-DD HH:MM [minutes=50] [capacity=1] [repeat=weekly|biweekly] [until=YYYY-MM-DD|count=N]",
        "en": "YYYY-MM-DD HH:MM [minutes=50] [capacity=1] [repeat=weekly|biweekly] [until=YYYY-MM-DD|count=N]",
    },
    "cmd.slot-add.args.admin": {
        "ja": "@担当者 YYYY-MM-DD HH:MM [minutes=50] [capacity=1] [repeat=weekly|biweekly] [until=YYYY-MM-DD|count=N]",
        "en": "@operator YYYY-MM-DD HH:MM [minutes=50] [capacity=1] [repeat=weekly|biweekly] [until=YYYY-MM-DD|count=N]",
    },
    "cmd.slots": {
        "ja": "今週（と続く N 週間）の予約枠と予約状況",
        "en": "Slots of this week (and the next N weeks) with their bookings",
    },
    "cmd.slots.args": {"ja": "[週数]", "en": "[weeks]"},
    "cmd.slots.args.admin": {"ja": "[@担当者] [週数]", "en": "[@operator] [weeks]"},
    "cmd.slot-remove": {
        "ja": "予約枠を 1 回分（series でシリーズのこれからの全回）削除します。入っていた予約は取り消され、双方に通知されます",
        "en": "Remove one slot (with series, every occurrence of its series still to come); bookings on them are cancelled and both sides told",
    },
    "cmd.slot-remove.args": {"ja": "<枠番号> [series]", "en": "<slot> [series]"},
    "cmd.slot-move": {
        "ja": "予約枠 1 回分を別の日時に移します（長さはそのまま）。予約していた相談者には新しい日時とカレンダーファイルが届きます",
        "en": "Move one slot to another date and time (same length); whoever booked it gets the new time and an updated calendar file",
    },
    "cmd.slot-move.args": {"ja": "<枠番号> YYYY-MM-DD HH:MM", "en": "<slot> YYYY-MM-DD HH:MM"},
    "cmd.bookings": {
        "ja": "期間内の予約（既定は今日から 4 週間）",
        "en": "Bookings in a date range (today and the next 4 weeks unless given)",
    },
    "cmd.bookings.args": {"ja": "[開始日 [終了日]]", "en": "[from [to]]"},
    "cmd.export-bookings": {
        "ja": "期間内の予約を CSV で書き出します",
        "en": "Export the bookings of a date range as CSV",
    },
    "cmd.export-bookings.args": {"ja": "開始日 [終了日]", "en": "from [to]"},
    "cmd.session": {
        "ja": "セッションの記録（done: 実施、no-show: 無断欠席）または取り消し（cancel）",
        "en": "Record how a session went (done, no-show) or cancel it (cancel)",
    },
    "cmd.session.args": {
        "ja": "<予約番号> done|no-show|cancel",
        "en": "<booking> done|no-show|cancel",
    },
    "cmd.calendar": {
        "ja": "予約セッションのカレンダー（.ics）を送ります",
        "en": "Send the calendar of booked sessions as an .ics file",
    },
    "cmd.calendar-link": {
        "ja": "カレンダーアプリで購読する URL を発行します（以前の URL は使えなくなります）",
        "en": "Issue a URL to subscribe to from a calendar app (the previous one stops working)",
    },
    "cmd.session-settings": {
        "ja": "予約セッションの設定: minutes= cutoff=（時間） reminders=（何分前、カンマ区切り） video-lead=（分） video-url=（jitsi、element-call、または {room} を含む URL）",
        "en": "Session settings: minutes= cutoff= (hours) reminders= (minutes before, comma-separated) video-lead= (minutes) video-url= (jitsi, element-call, or a URL with {room})",
    },
    "cmd.session-settings.args": {"ja": "[key=value …]", "en": "[key=value …]"},
    # Slots
    "sessions.bad_time": {
        "ja": "「{value}」は時刻ではありません（例: 10:00）。",
        "en": "“{value}” is not a time of day (such as 10:00).",
    },
    "sessions.unknown_option": {
        "ja": "{name}= は使えません。minutes= capacity= repeat= until= count= が使えます。",
        "en": "There is no {name}= option; use minutes= capacity= repeat= until= count=.",
    },
    "sessions.bad_repeat": {
        "ja": "繰り返し「{value}」は使えません（{options}）。",
        "en": "“{value}” is not a repeat ({options}).",
    },
    "sessions.end_without_repeat": {
        "ja": "until= と count= は repeat=weekly か repeat=biweekly と一緒に使います。",
        "en": "until= and count= go with repeat=weekly or repeat=biweekly.",
    },
    "sessions.repeat_no_end": {
        "ja": "繰り返しには終わりが必要です: until=YYYY-MM-DD か count=回数 を付けてください。",
        "en": "A repeat needs an end: add until=YYYY-MM-DD or count=N.",
    },
    "sessions.until_or_count": {
        "ja": "until= と count= はどちらか一方だけにしてください。",
        "en": "Give until= or count=, not both.",
    },
    "sessions.until_before": {
        "ja": "終了日 {until} が初回 {first} より前です。",
        "en": "The end date {until} is before the first date {first}.",
    },
    "sessions.too_many": {
        "ja": "繰り返しが多すぎます。一度に追加できるのは {max} 回までです。",
        "en": "That repeat makes too many slots; at most {max} can be added at once.",
    },
    "sessions.in_past": {
        "ja": "{when} はすでに過ぎています。これからの日時を指定してください。",
        "en": "{when} is in the past; give a time to come.",
    },
    "sessions.too_far": {
        "ja": "{when} は先すぎます。予約枠は 2 年先までです。",
        "en": "{when} is too far ahead; slots go up to two years ahead.",
    },
    "sessions.overlap": {
        "ja": "{when} は枠 #{slot}（{other}）と重なります。何も追加していません。",
        "en": "{when} overlaps slot #{slot} ({other}); nothing was added.",
    },
    "sessions.slots_added": {
        "ja": "予約枠を {count} 件追加しました:",
        "en": "Added {count} slot(s):",
    },
    "sessions.slot_line": {
        "ja": "#{slot} {when} · 予約 {booked}/{capacity}",
        "en": "#{slot} {when} · booked {booked}/{capacity}",
    },
    "sessions.series_mark": {"ja": " · 繰り返し", "en": " · series"},
    "sessions.slots_header": {"ja": "予約枠（{count} 件）:", "en": "Slots ({count}):"},
    "sessions.no_slots": {
        "ja": "この期間に予約枠はありません。!slot-add で追加できます。",
        "en": "No slots in this period. Add some with !slot-add.",
    },
    "sessions.more": {"ja": "… ほか {count} 件", "en": "… and {count} more"},
    "sessions.unknown_slot": {
        "ja": "予約枠 #{number} はありません。",
        "en": "There is no slot #{number}.",
    },
    "sessions.not_your_slot": {
        "ja": "枠 #{number} はほかの担当者の枠です。",
        "en": "Slot #{number} is another operator's.",
    },
    "sessions.slot_started": {
        "ja": "枠 #{number} はすでに始まっているか過ぎています。",
        "en": "Slot #{number} has already started or passed.",
    },
    "sessions.not_a_series": {
        "ja": "枠 #{number} は繰り返しではありません。series を付けずに削除してください。",
        "en": "Slot #{number} is not part of a series; remove it without series.",
    },
    "sessions.slots_removed": {
        "ja": "予約枠を {count} 件削除しました（取り消した予約 {cancelled} 件）。",
        "en": "Removed {count} slot(s); {cancelled} booking(s) cancelled.",
    },
    "sessions.slot_moved": {
        "ja": "枠 #{slot} を {when} に移しました（知らせた予約 {count} 件）。",
        "en": "Slot #{slot} moved to {when}; {count} booking(s) told.",
    },
    "sessions.moved_client": {
        "ja": "予約 {booking} の日時が {when}（担当 {name}）に変わりました。新しいカレンダー用ファイルを添付します。",
        "en": "Your session {booking} has moved to {when} (with {name}). An updated calendar file follows.",
    },
    "sessions.moved_operator": {
        "ja": "予約 {booking}（{alias} さん）は {when} に変わりました。",
        "en": "Booking {booking} ({alias}) moved to {when}.",
    },
    # Clients booking
    "sessions.client_slots_header": {"ja": "予約できる枠:", "en": "Slots you can book:"},
    "sessions.client_slot_line": {
        "ja": "#{slot} {when} · {name}",
        "en": "#{slot} {when} · {name}",
    },
    "sessions.client_slots_more": {
        "ja": "… {day} 以降の枠は「!slots {day}」で表示します。",
        "en": "… more from {day}: send “!slots {day}”.",
    },
    "sessions.book_hint": {
        "ja": "予約は「!book 枠番号」（例: !book 12）と送ってください。",
        "en": "To book, send “!book <slot>” (for example !book 12).",
    },
    "sessions.no_free_slots": {
        "ja": "いま予約できる枠はありません。",
        "en": "There are no free slots at the moment.",
    },
    "sessions.no_last": {
        "ja": "以前の担当者がいないため絞り込めません。「!slots」ですべての枠を表示します。",
        "en": "You have no previous counselor yet; “!slots” lists every free slot.",
    },
    "sessions.full": {
        "ja": "枠 #{slot} はすでに埋まりました。「!slots」でほかの枠をご覧ください。",
        "en": "Slot #{slot} is taken. “!slots” shows the other free slots.",
    },
    "sessions.booked_twice": {
        "ja": "枠 #{slot} はすでに予約済みです。",
        "en": "You have already booked slot #{slot}.",
    },
    "sessions.booked_client": {
        "ja": "予約しました（{booking}）: {when}、担当 {name}。カレンダー用ファイルを添付します。開始の少し前にこのルームにビデオ通話のリンクをお送りします。取り消しは開始 {cutoff} 時間前まで「!cancel {booking}」でできます。",
        "en": "Booked ({booking}): {when} with {name}. A calendar file follows. A video call link arrives in this room shortly before the start. You can cancel up to {cutoff} hours before with “!cancel {booking}”.",
    },
    "sessions.booked_operator": {
        "ja": "新しい予約 {booking}: {when}、{alias} さん。",
        "en": "New booking {booking}: {when}, {alias}.",
    },
    "sessions.no_bookings": {
        "ja": "これからの予約はありません。「!slots」で予約できる枠を表示します。",
        "en": "You have no upcoming bookings. “!slots” lists the free slots.",
    },
    "sessions.client_bookings_header": {"ja": "あなたの予約:", "en": "Your bookings:"},
    "sessions.client_booking_line": {
        "ja": "{booking} {when} · {name}",
        "en": "{booking} {when} · {name}",
    },
    "sessions.cancel_hint": {
        "ja": "取り消しは開始 {hours} 時間前まで「!cancel 予約番号」でできます。",
        "en": "Cancel up to {hours} hours before with “!cancel <booking>”.",
    },
    "sessions.unknown_booking": {
        "ja": "予約 {booking} はありません。",
        "en": "There is no booking {booking}.",
    },
    "sessions.not_booked": {
        "ja": "予約 {booking} は取り消し済みか、すでに終わっています。",
        "en": "Booking {booking} is already cancelled or over.",
    },
    "sessions.past_cutoff": {
        "ja": "予約 {booking} は開始 {hours} 時間前を過ぎたため、ここでは取り消せません。担当者にメッセージでお知らせください。",
        "en": "Booking {booking} starts in less than {hours} hours and can no longer be cancelled here; please write to your counselor.",
    },
    "sessions.cancelled_client": {
        "ja": "予約 {booking}（{when}）を取り消しました。",
        "en": "Booking {booking} ({when}) is cancelled.",
    },
    "sessions.cancelled_by_operator": {
        "ja": "予約 {booking}（{when}）は担当者の都合で取り消しになりました。申し訳ありません。「!slots」でほかの枠をご覧ください。",
        "en": "Booking {booking} ({when}) was cancelled by the counselor; we are sorry. “!slots” shows other free slots.",
    },
    "sessions.cancelled_operator": {
        "ja": "予約 {booking}（{when}、{alias} さん）が取り消されました。",
        "en": "Booking {booking} ({when}, {alias}) is cancelled.",
    },
    # Operators' views and records
    "sessions.booking_line": {
        "ja": "{booking} {when} · {alias} · {status}",
        "en": "{booking} {when} · {alias} · {status}",
    },
    "sessions.bookings_header": {"ja": "予約（{count} 件）:", "en": "Bookings ({count}):"},
    "sessions.no_bookings_here": {
        "ja": "この期間の予約はありません。",
        "en": "No bookings in this period.",
    },
    "sessions.status.booked": {"ja": "予約中", "en": "booked"},
    "sessions.status.cancelled": {"ja": "取り消し", "en": "cancelled"},
    "sessions.status.done": {"ja": "実施", "en": "done"},
    "sessions.status.no_show": {"ja": "無断欠席", "en": "no-show"},
    "sessions.list_private": {
        "ja": "一覧は相談者名を含むため、あなたのプライベートルームに送りました。",
        "en": "The list names clients, so it is in your private room.",
    },
    "sessions.exported": {
        "ja": "{count} 件を {name} に書き出しました。",
        "en": "Exported {count} booking(s) to {name}.",
    },
    "sessions.bad_mark": {
        "ja": "「{value}」は使えません（done、no-show、cancel）。",
        "en": "“{value}” is not one of done, no-show, cancel.",
    },
    "sessions.not_your_booking": {
        "ja": "予約 {booking} はほかの担当者のセッションです。",
        "en": "Booking {booking} is another operator's session.",
    },
    "sessions.started": {
        "ja": "予約 {booking} はすでに始まっています。記録は done か no-show でつけてください。",
        "en": "Booking {booking} has started; record it with done or no-show.",
    },
    "sessions.was_cancelled": {
        "ja": "予約 {booking} は取り消されています。",
        "en": "Booking {booking} was cancelled.",
    },
    "sessions.not_started": {
        "ja": "予約 {booking} はまだ始まっていません。",
        "en": "Booking {booking} has not started yet.",
    },
    "sessions.marked": {
        "ja": "{booking} を「{status}」と記録しました。",
        "en": "Recorded {booking} as {status}.",
    },
    "sessions.cancel_done": {
        "ja": "予約 {booking} を取り消し、相談者に知らせました。",
        "en": "Booking {booking} is cancelled and the client told.",
    },
    "sessions.range_backwards": {
        "ja": "終了日 {end} が開始日 {start} より前です。",
        "en": "The end date {end} is before the start date {start}.",
    },
    "sessions.range_long": {
        "ja": "期間は {days} 日までにしてください。",
        "en": "A range may span at most {days} days.",
    },
    # Reminders and video
    "sessions.in_days": {"ja": "{count} 日後", "en": "in {count} day(s)"},
    "sessions.in_hours": {"ja": "{count} 時間後", "en": "in {count} hour(s)"},
    "sessions.in_minutes": {"ja": "{count} 分後", "en": "in {count} minutes"},
    "sessions.reminder_client": {
        "ja": "リマインダー: {soon}にセッションがあります（{booking}、{when}、担当 {name}）。",
        "en": "Reminder: your session is {soon} ({booking}, {when} with {name}).",
    },
    "sessions.reminder_operator": {
        "ja": "リマインダー: {soon}にセッション {booking}（{when}、{alias} さん）。",
        "en": "Reminder: session {booking} {soon} ({when}, {alias}).",
    },
    "sessions.video_client": {
        "ja": "まもなくセッションです（{booking}、{when}）。時間になったらこちらから入室してください: {link}",
        "en": "Your session is about to start ({booking}, {when}). Join here when it is time: {link}",
    },
    "sessions.video_operator": {
        "ja": "セッション {booking}（{when}、{alias} さん）のビデオ通話: {link}\n相談者にも同じリンクを送りました。",
        "en": "Video call for session {booking} ({when}, {alias}): {link}\nThe client has the same link.",
    },
    # Calendars and settings
    "sessions.ics_client_summary": {
        "ja": "{tenant}：{name}さんとのセッション",
        "en": "{tenant}: session with {name}",
    },
    "sessions.ics_operator_summary": {
        "ja": "セッション {booking}: {alias} さん",
        "en": "Session {booking}: {alias}",
    },
    "sessions.calendar_name": {"ja": "{tenant} セッション", "en": "{tenant} sessions"},
    "sessions.feed_link": {
        "ja": "カレンダーアプリで購読する URL です（ほかの人に見せないでください。以前の URL は使えなくなりました）:\n{url}",
        "en": "Subscribe to this URL from a calendar app (keep it to yourself; the previous URL no longer works):\n{url}",
    },
    "sessions.no_settings": {
        "ja": "変更する設定がありません。",
        "en": "No settings to change were given.",
    },
    "sessions.unknown_setting": {
        "ja": "設定「{name}」はありません（minutes、cutoff、reminders、video-lead、video-url）。",
        "en": "There is no setting “{name}” (minutes, cutoff, reminders, video-lead, video-url).",
    },
    "sessions.bad_video_url": {
        "ja": "「{value}」は使えません。jitsi、element-call、または https:// で始まり {{room}} を含む URL にしてください（例: https://meet.jit.si/{{room}}）。",
        "en": "“{value}” cannot be used: give jitsi, element-call, or an https:// URL containing {{room}} (such as https://meet.jit.si/{{room}}).",
    },
    "sessions.settings": {
        "ja": "予約セッションの設定:\n  minutes={minutes}\n  cutoff={cutoff}（時間）\n  reminders={reminders}（何分前）\n  video-lead={lead}（分）\n  video-url={url}",
        "en": "Session settings:\n  minutes={minutes}\n  cutoff={cutoff} (hours)\n  reminders={reminders} (minutes before)\n  video-lead={lead} (minutes)\n  video-url={url}",
    },
}

"""Letter counseling (seed 004): a client holds a package of N replies; each counselor reply is
numbered n/N on both sides, is due within the package's business days, and is limited in
length like the client's letters; after the last one the client is asked whether to continue,
and a new package runs only once an admin has confirmed the payment.

The pipeline asks here before it copies anything in a case whose client holds a package
(``Package.current_for``): a letter over the limit, or a reply the package does not allow, is
refused there, and nothing is copied.

The modules, each importing only those before it: ``showing``, ``package_types``,
``days_off``, ``settings``, ``telling`` (what each side hears), ``due`` (due times),
``packages``, ``continuing`` (the question after the last reply), ``relaying`` (the
pipeline's questions), ``timers``.
"""

from __future__ import annotations

from ... import hooks
from .continuing import CONTINUE, FINISH, take_continue_answer
from .days_off import MAX_DAYS_OFF, change_days_off, date_span, operator_days, weekly, working_days
from .due import OVERDUE, REMINDER, due_for, reminder_for
from .package_types import (
    DEFAULTS,
    LIMITS,
    TYPE_OPTIONS,
    find_type,
    put_type,
    remove_type,
    type_terms,
)
from .packages import (
    cancel,
    choose_counselor,
    confirm_payment,
    find,
    grant,
    needs_counselor,
    nominable,
    operator_left,
    reassign,
)
from .relaying import (
    TEXT_TYPES,
    before_client_letter,
    client_letter_relayed,
    letter_text,
    operator_reply,
    reply_sent,
    too_long,
)
from .relaying import _numbered as _numbered  # for the tests of the numbering
from .settings import MAX_REMIND_H, PACKAGE_MONTHS, change_settings, reminder_setting, settings_of
from .showing import days_off_text, due_day_text, label, package_line, type_line
from .timers import TIMER_HANDLERS, on_overdue, on_reminder

HOOKS: dict[str, hooks.Hook] = {hooks.OPERATOR_LEFT: operator_left}

__all__ = [
    "CONTINUE",
    "DEFAULTS",
    "FINISH",
    "HOOKS",
    "LIMITS",
    "MAX_DAYS_OFF",
    "MAX_REMIND_H",
    "OVERDUE",
    "PACKAGE_MONTHS",
    "REMINDER",
    "TEXT_TYPES",
    "TIMER_HANDLERS",
    "TYPE_OPTIONS",
    "before_client_letter",
    "cancel",
    "change_days_off",
    "change_settings",
    "choose_counselor",
    "client_letter_relayed",
    "confirm_payment",
    "date_span",
    "days_off_text",
    "due_day_text",
    "due_for",
    "find",
    "find_type",
    "grant",
    "label",
    "letter_text",
    "needs_counselor",
    "nominable",
    "on_overdue",
    "on_reminder",
    "operator_days",
    "operator_left",
    "operator_reply",
    "package_line",
    "put_type",
    "reassign",
    "reminder_for",
    "reminder_setting",
    "remove_type",
    "reply_sent",
    "settings_of",
    "take_continue_answer",
    "too_long",
    "type_line",
    "type_terms",
    "weekly",
    "working_days",
]

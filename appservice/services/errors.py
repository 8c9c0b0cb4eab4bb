from __future__ import annotations

from ..i18n import Lang, t


class Refusal(Exception):
    """An action refused with a reason the user can read; nothing was changed.

    ``key`` names the text in the message catalogs (``i18n``); commands show it in the
    tenant's language, the API in English, with ``status`` and ``errcode``.
    """

    def __init__(
        self, key: str, *, status: int = 400, errcode: str = "M_INVALID_PARAM", **params: object
    ) -> None:
        super().__init__(key)
        self.key = key
        self.status = status
        self.errcode = errcode
        self.params = params

    def text(self, lang: Lang) -> str:
        return t(lang, self.key, **self.params)


def not_found(key: str, **params: object) -> Refusal:
    return Refusal(key, status=404, errcode="M_NOT_FOUND", **params)


def conflict(key: str, **params: object) -> Refusal:
    return Refusal(key, status=409, errcode="SOUDAN_CONFLICT", **params)


def forbidden(key: str, **params: object) -> Refusal:
    return Refusal(key, status=403, errcode="M_FORBIDDEN", **params)

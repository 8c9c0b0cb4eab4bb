"""Printable sheets of anonymous login vouchers, as PDF (cards to cut out) or CSV.

A tenant hands out N vouchers; each is one random Matrix account. An admin prints the PDF, cuts
the cards along the dashed lines and puts each card in an envelope, so nothing on a card may
identify a person: a card shows only the tenant name, a line of instructions, the server URL,
the user ID, the password and a QR code.

Japanese needs a CJK font, and PDF core fonts are Latin-1 only. `find_cjk_font` looks for one
installed on the machine (Noto Sans CJK/JP, IPA fonts, or whatever fontconfig offers for
Japanese). Without one the sheet still renders: labels and instructions fall back to English in
Helvetica, and characters of the tenant name that Latin-1 cannot encode become "?". Install
e.g. Debian's ``fonts-noto-cjk`` to get Japanese cards.

This module knows nothing about Matrix or the database; callers pass the vouchers in.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import segno
from fpdf import FPDF

from .i18n import LANGUAGES, Lang, t

log = logging.getLogger("soudan.voucher_sheet")


@dataclass(frozen=True)
class Voucher:
    user_id: str  # e.g. "@c-7f3k2m9q1x:example.org"
    password: str  # e.g. "Xk3-9fQz-pL2m-Hq7w"


@dataclass(frozen=True)
class FontFile:
    path: Path
    # Face index inside a .ttc/.otc collection; 0 for single-font files.
    index: int = 0


_TEXTS = ("instructions", "server", "user", "password")  # voucher_sheet.<name> in the catalogs

# Grid geometry in millimetres. Ten cards of 95 × 55.4 mm per A4 page: large enough for
# values a person types by hand, small enough to fit a standard envelope once cut out.
_PAGE_W, _PAGE_H = 210.0, 297.0
_MARGIN = 10.0
_COLS, _ROWS = 2, 5
_CARDS_PER_PAGE = _COLS * _ROWS
_CARD_W = (_PAGE_W - 2 * _MARGIN) / _COLS
_CARD_H = (_PAGE_H - 2 * _MARGIN) / _ROWS
_PAD = 4.0
_INNER_W = _CARD_W - 2 * _PAD
_QR_SIZE = 24.0
# Title and instructions share the top band with the QR code, so they get what it leaves.
_HEAD_W = _INNER_W - _QR_SIZE - 3.0
_INSTRUCTIONS_LINE_H = 3.4
_LABEL_W = 17.0
_ROW_H = 6.0

# Font sizes in points. Values shrink below their size only when they would not fit the card.
_TITLE_PT = 11.0
_TITLE_MIN_PT = 7.0
_INSTRUCTIONS_PT = 7.0
_LABEL_PT = 7.0
_VALUE_PT = 11.0
_PASSWORD_PT = 13.0

_CJK = "cjk"
_SANS = "Helvetica"
# Courier is a core font, so it is available on every machine and needs no embedding; values
# are ASCII (checked in `_check_value`), so a CJK font is never needed for them.
_MONO = "Courier"

# Preferred CJK fonts by file name, best first, with the face to use inside collections.
# Noto Sans CJK's collections put the Japanese face first; Japanese glyph variants matter
# for Japanese text, which is why the JP faces come before anything else.
_CJK_FONT_FILES: tuple[tuple[str, int], ...] = (
    ("NotoSansCJK-Regular.ttc", 0),
    ("NotoSansCJKjp-Regular.otf", 0),
    ("NotoSansJP-Regular.otf", 0),
    ("NotoSansJP-Regular.ttf", 0),
    ("ipaexg.ttf", 0),
    ("ipag.ttf", 0),
    ("fonts-japanese-gothic.ttf", 0),
)
_FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
)
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


@functools.cache
def find_cjk_font() -> FontFile | None:
    """Find an installed font that can render Japanese, or None; the answer is cached.

    Known file names are tried first, then fontconfig (`fc-list :lang=ja`), so a machine with
    some other Japanese font still gets Japanese cards.
    """
    by_name: dict[str, Path] = {}
    wanted = {name for name, _ in _CJK_FONT_FILES}
    for root in _FONT_DIRS:
        for dirpath, _dirnames, filenames in os.walk(os.path.expanduser(root)):
            for filename in filenames:
                if filename in wanted:
                    by_name.setdefault(filename, Path(dirpath, filename))
    for name, index in _CJK_FONT_FILES:
        if name in by_name:
            return FontFile(by_name[name], index)
    return _fontconfig_cjk_font()


def _fontconfig_cjk_font() -> FontFile | None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        result = subprocess.run(
            [fc_list, ":lang=ja", "--format", "%{file}\t%{index}\t%{family}\t%{style}\n"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    found: list[tuple[bool, bool, FontFile]] = []
    for line in result.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or not parts[0].lower().endswith(_FONT_SUFFIXES):
            continue
        try:
            index = int(parts[1])
        except ValueError:
            continue
        regular = "Regular" in parts[3] or "Book" in parts[3]
        found.append((regular, "JP" in parts[2], FontFile(Path(parts[0]), index)))
    if not found:
        return None
    # Bold or light faces also render, but a regular weight reads best at small sizes; in
    # collections covering several CJK languages, the JP face has the Japanese glyph forms.
    found.sort(key=lambda item: (not item[0], not item[1], str(item[2].path), item[2].index))
    return found[0][2]


def _check_vouchers(vouchers: Sequence[Voucher], homeserver_url: str) -> None:
    if not vouchers:
        raise ValueError("no vouchers to render")
    _check_value("homeserver URL", homeserver_url)
    seen: set[str] = set()
    for voucher in vouchers:
        _check_value("user ID", voucher.user_id)
        _check_value("password", voucher.password)
        if voucher.user_id in seen:
            raise ValueError(f"user ID {voucher.user_id} appears twice")
        seen.add(voucher.user_id)


def _check_value(what: str, value: str) -> None:
    # People type these from paper: whitespace is invisible in print, and the monospace core
    # font has no glyphs beyond Latin-1, while replacing a character would print a credential
    # that does not work.
    if not value or not value.isascii() or not value.isprintable() or " " in value:
        raise ValueError(f"{what} must be printable ASCII without spaces: {value!r}")


def render_csv(vouchers: list[Voucher], *, homeserver_url: str) -> bytes:
    """Render the vouchers as UTF-8 CSV with a header row, in the order given (as in the PDF).

    Spreadsheet programs treat cells starting with "@", "=", "+" or "-" as formulas, and every
    user ID starts with "@"; import the file as text rather than opening it directly.
    """
    _check_vouchers(vouchers, homeserver_url)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["homeserver", "user_id", "password"])
    for voucher in vouchers:
        writer.writerow([homeserver_url, voucher.user_id, voucher.password])
    return out.getvalue().encode("utf-8")


def render_pdf(
    vouchers: list[Voucher], *, homeserver_url: str, tenant_name: str, lang: Lang
) -> bytes:
    """Render A4 pages of cut-out cards, ten per page, one card per voucher in the order given.

    `lang` ("ja" or "en") picks the labels and instructions. Without a CJK font on the machine
    (see `find_cjk_font`), or when the font found cannot be embedded, the cards use English
    and Latin-1 core fonts, and characters of `tenant_name` those fonts cannot draw are
    replaced with "?" rather than failing the whole sheet. Raises ValueError for an empty
    list, an unknown language, a repeated user ID, or a value that is not printable ASCII
    without spaces (it could not be typed from the card).
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {sorted(LANGUAGES)}")
    _check_vouchers(vouchers, homeserver_url)
    # English cards with a Latin-1 tenant name need no embedded font at all, which keeps them
    # small, fast and the same on every machine.
    font = find_cjk_font() if lang == "ja" or not _core_font_can_draw(tenant_name) else None
    if font is not None:
        try:
            return _render_pdf(vouchers, homeserver_url, tenant_name, lang, font)
        except Exception:
            # fpdf2 reads fonts lazily, so a font it cannot embed (fontconfig may offer any
            # format) fails only while rendering; English cards beat no cards. A fault that
            # is not the font's fails again below and propagates.
            log.warning("Cannot render voucher sheet with font %s", font.path, exc_info=True)
    return _render_pdf(vouchers, homeserver_url, _for_core_font(tenant_name), "en", None)


def _render_pdf(
    vouchers: list[Voucher],
    homeserver_url: str,
    tenant_name: str,
    lang: Lang,
    font: FontFile | None,
) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creator("soudan")
    # The title ends up in the document properties; the tenant name is not personal data.
    pdf.set_title(f"{tenant_name} vouchers")

    # Callers pass a font whenever the labels or the title need one.
    if font is not None:
        pdf.add_font(_CJK, "", str(font.path), collection_font_number=font.index)
    sans = _CJK if lang == "ja" else _SANS
    title_family = _SANS if _core_font_can_draw(tenant_name) else _CJK
    texts = {name: t(lang, f"voucher_sheet.{name}") for name in _TEXTS}
    instructions: list[str] = []

    for number, voucher in enumerate(vouchers):
        slot = number % _CARDS_PER_PAGE
        if slot == 0:
            pdf.add_page()
            _draw_cut_lines(pdf)
            if not instructions:
                # Every card has the same instructions, so the costly line breaking happens
                # once; fpdf2 can only measure lines once the document has a page.
                instructions = _break_lines(pdf, sans, _INSTRUCTIONS_PT, texts["instructions"])
        x = _MARGIN + (slot % _COLS) * _CARD_W
        y = _MARGIN + (slot // _COLS) * _CARD_H
        _draw_card(
            pdf,
            x,
            y,
            voucher,
            homeserver_url=homeserver_url,
            tenant_name=tenant_name,
            texts=texts,
            instructions=instructions,
            sans=sans,
            title_family=title_family,
            qr_png=_qr_png(homeserver_url, voucher.user_id),
        )
    return bytes(pdf.output())


def _break_lines(pdf: FPDF, family: str, size: float, text: str) -> list[str]:
    pdf.set_font(family, "", size)
    lines = pdf.multi_cell(
        _HEAD_W, _INSTRUCTIONS_LINE_H, text, dry_run=True, output="LINES", padding=0
    )
    if not isinstance(lines, list):
        raise TypeError(f"fpdf2 returned {type(lines).__name__} for output='LINES'")
    return lines


def _core_font_can_draw(text: str) -> bool:
    # fpdf2 encodes core-font text as Latin-1 while declaring WinAnsiEncoding, so the C1
    # control range, where the two differ, is no safer than characters beyond Latin-1.
    return all(ord(char) < 256 and char.isprintable() for char in text)


def _for_core_font(text: str) -> str:
    return "".join(char if _core_font_can_draw(char) else "?" for char in text)


def _qr_png(homeserver_url: str, user_id: str) -> bytes:
    # There is no QR format a Matrix client accepts for password login (Element's QR login
    # needs an already signed-in device, and a matrix.to link opens a user, not a session).
    # A phone's camera app does show plain text with a copy button, so the QR holds the two
    # long values that are tedious to type and must be exact: the server URL and user ID, one
    # per line. The password stays off the QR on purpose: scanner apps keep, and sometimes
    # upload, a history of everything they read.
    qr = segno.make(f"{homeserver_url}\n{user_id}", error="m", micro=False)
    out = io.BytesIO()
    # Some renderers (poppler, for one) smooth an image they enlarge, and at one pixel per
    # module that blurs the QR code past decoding on screen and on cheap printers; four pixels
    # per module keep the edges sharp for a few kilobytes more. A 4-module quiet zone is what
    # scanners expect.
    qr.save(out, kind="png", scale=4, border=4)
    return out.getvalue()


def _draw_cut_lines(pdf: FPDF) -> None:
    pdf.set_draw_color(170, 170, 170)
    pdf.set_line_width(0.2)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=2, gap=1.5)
        for col in range(_COLS + 1):
            x = _MARGIN + col * _CARD_W
            pdf.line(x, _MARGIN, x, _PAGE_H - _MARGIN)
        for row in range(_ROWS + 1):
            y = _MARGIN + row * _CARD_H
            pdf.line(_MARGIN, y, _PAGE_W - _MARGIN, y)


def _draw_card(
    pdf: FPDF,
    x: float,
    y: float,
    voucher: Voucher,
    *,
    homeserver_url: str,
    tenant_name: str,
    texts: dict[str, str],
    instructions: list[str],
    sans: str,
    title_family: str,
    qr_png: bytes,
) -> None:
    left = x + _PAD
    top = y + _PAD

    pdf.set_text_color(0, 0, 0)
    # The CJK font comes in one weight; the core sans has a bold one for the title.
    title_style = "B" if title_family == _SANS else ""
    title = _fit(pdf, title_family, title_style, tenant_name, _HEAD_W, _TITLE_PT, _TITLE_MIN_PT)
    pdf.set_xy(left, top)
    pdf.cell(_HEAD_W, 6.0, title)

    pdf.set_font(sans, "", _INSTRUCTIONS_PT)
    pdf.set_text_color(60, 60, 60)
    for number, line in enumerate(instructions):
        pdf.set_xy(left, top + 7.5 + number * _INSTRUCTIONS_LINE_H)
        pdf.cell(_HEAD_W, _INSTRUCTIONS_LINE_H, line)

    pdf.image(io.BytesIO(qr_png), x=x + _CARD_W - _PAD - _QR_SIZE, y=top, w=_QR_SIZE, h=_QR_SIZE)

    rows = (
        (texts["server"], homeserver_url, _VALUE_PT),
        (texts["user"], voucher.user_id, _VALUE_PT),
        (texts["password"], voucher.password, _PASSWORD_PT),
    )
    row_y = top + _QR_SIZE + 1.5
    value_w = _INNER_W - _LABEL_W
    for label, value, size in rows:
        pdf.set_font(sans, "", _LABEL_PT)
        pdf.set_text_color(90, 90, 90)
        pdf.set_xy(left, row_y)
        pdf.cell(_LABEL_W, _ROW_H, label)
        pdf.set_text_color(0, 0, 0)
        # Values are never cut or wrapped: a truncated credential is useless, and a wrapped
        # one invites typing the line break. Long values get a smaller size instead.
        _fit(pdf, _MONO, "B", value, value_w, size, None)
        pdf.set_xy(left + _LABEL_W, row_y)
        pdf.cell(value_w, _ROW_H, value)
        row_y += _ROW_H


def _fit(
    pdf: FPDF,
    family: str,
    style: str,
    text: str,
    width: float,
    size: float,
    min_size: float | None,
) -> str:
    """Set the largest font size up to `size` at which `text` fits `width`; return the text.

    With `min_size`, text that does not fit even at that size is cut with an ellipsis.
    """
    pdf.set_font(family, style, size)
    natural = pdf.get_string_width(text)
    if natural <= width:
        return text
    fitted = size * width / natural
    if min_size is None or fitted >= min_size:
        pdf.set_font(family, style, fitted)
        return text
    pdf.set_font(family, style, min_size)
    ellipsis = "…" if family == _CJK else "..."
    while text and pdf.get_string_width(text + ellipsis) > width:
        text = text[:-1]
    return text + ellipsis

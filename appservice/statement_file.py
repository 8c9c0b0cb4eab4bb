"""A counselor's monthly statement as a file: PDF (to print or send), XLSX and CSV.

One line per session or letter package delivered in the month: date, what it was, the client's
alias and the price; then the total. Prices are whole amounts of the currency (yen have no
minor unit). The lines arrive already worded in the reader's language; this module knows
nothing of the database or of Matrix.

Japanese needs a CJK font in the PDF: the one the voucher sheets use (``find_cjk_font``).
Without one the PDF is written in English with core fonts, and characters they cannot draw
become "?"; the XLSX and CSV are always complete.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font

from .csv_file import spreadsheet_csv
from .i18n import LANGUAGES, Lang, money, t
from .voucher_sheet import FontFile, find_cjk_font

log = logging.getLogger("soudan.statement_file")

FORMATS = ("pdf", "xlsx", "csv")
MIME = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}
_CJK, _SANS = "cjk", "Helvetica"


@dataclass(frozen=True)
class Line:
    day: date
    item: str  # "Video session, 50 min", in the reader's language
    client: str  # the client's alias, never their Matrix ID
    price: int


@dataclass(frozen=True)
class Statement:
    tenant: str
    operator: str  # as the tenant knows the counselor: their profile name
    month: str  # YYYY-MM
    lines: tuple[Line, ...]
    lang: Lang = "ja"
    currency: str = "JPY"

    @property
    def total(self) -> int:
        return sum(line.price for line in self.lines)

    def text(self, key: str, **params: str) -> str:
        return t(self.lang, f"statement_file.{key}", **params)

    @property
    def title(self) -> str:
        return self.text("title", tenant=self.tenant, month=self.month)

    def money(self, amount: int) -> str:
        return money(self.lang, amount, self.currency)


def file_name(statement: Statement, operator_slug: str, kind: str) -> str:
    return f"statement-{statement.month}-{operator_slug}.{kind}"


def render(statement: Statement, kind: str) -> bytes:
    if statement.lang not in LANGUAGES:
        raise ValueError(f"unsupported language {statement.lang!r}")
    if kind == "csv":
        return render_csv(statement)
    if kind == "xlsx":
        return render_xlsx(statement)
    if kind == "pdf":
        return render_pdf(statement)
    raise ValueError(f"unknown format {kind!r}; expected one of {FORMATS}")


def _header(statement: Statement) -> list[str]:
    return [statement.text(key) for key in ("date", "item", "client", "amount")]


def render_csv(statement: Statement) -> bytes:
    return spreadsheet_csv(
        [
            _header(statement),
            *([x.day.isoformat(), x.item, x.client, x.price] for x in statement.lines),
            [statement.text("total"), "", "", statement.total],
        ]
    )


def render_xlsx(statement: Statement) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = statement.month
    sheet.append([statement.title])
    sheet.append([statement.text("operator", operator=statement.operator)])
    sheet.append([])
    sheet.append(_header(statement))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for line in statement.lines:
        sheet.append([line.day, line.item, line.client, line.price])
        sheet.cell(sheet.max_row, 1).number_format = "yyyy-mm-dd"
        sheet.cell(sheet.max_row, 4).number_format = "#,##0"
    # The total as a value, not a formula: every reader sees it without recalculating.
    sheet.append([statement.text("total"), None, None, statement.total])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.cell(sheet.max_row, 4).number_format = "#,##0"
    for column, width in zip("ABCD", (12, 40, 20, 14), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_pdf(statement: Statement) -> bytes:
    texts = [
        statement.tenant,
        statement.operator,
        *(f"{x.item}{x.client}" for x in statement.lines),
    ]
    needs_cjk = statement.lang == "ja" or not all(_latin1(text) for text in texts)
    font = find_cjk_font() if needs_cjk else None
    if font is not None:
        try:
            return _render_pdf(statement, font)
        except Exception:
            log.warning("Cannot render a statement with font %s", font.path, exc_info=True)
    return _render_pdf(_latin1_statement(statement), None)


def _latin1(text: str) -> bool:
    return all(ord(char) < 256 and char.isprintable() for char in text)


def _latin1_statement(statement: Statement) -> Statement:
    def plain(text: str) -> str:
        return "".join(c if ord(c) < 256 and c.isprintable() else "?" for c in text)

    return Statement(
        plain(statement.tenant),
        plain(statement.operator),
        statement.month,
        tuple(Line(x.day, plain(x.item), plain(x.client), x.price) for x in statement.lines),
        "en",
        statement.currency,
    )


def _render_pdf(statement: Statement, font: FontFile | None) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_creator("soudan")
    pdf.set_title(statement.title)
    family = _SANS
    if font is not None:
        pdf.add_font(_CJK, "", str(font.path), collection_font_number=font.index)
        family = _CJK
    pdf.add_page()
    pdf.set_font(family, "", 16)
    pdf.cell(0, 10, statement.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 11)
    pdf.cell(
        0,
        8,
        statement.text("operator", operator=statement.operator),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    pdf.set_font(family, "", 10)
    if not statement.lines:
        pdf.cell(0, 8, statement.text("none"), new_x="LMARGIN", new_y="NEXT")
    with pdf.table(
        col_widths=(24, 86, 44, 36),
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT"),
        headings_style=FontFace(fill_color=(230, 230, 230)),
    ) as table:
        table.row(_header(statement))
        for line in statement.lines:
            table.row([line.day.isoformat(), line.item, line.client, statement.money(line.price)])
        table.row([statement.text("total"), "", "", statement.money(statement.total)])
    return bytes(pdf.output())

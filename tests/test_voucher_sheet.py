"""Voucher sheets: the PDF carries every credential once and a QR image per card, the CSV
matches it row for row, and Japanese works with a CJK font and degrades safely without one."""

from __future__ import annotations

import csv
import io
import random
import re
from pathlib import Path

import pytest
import segno
from PIL import Image
from pypdf import PdfReader

from appservice import voucher_sheet
from appservice.voucher_sheet import FontFile, Voucher, find_cjk_font, render_csv, render_pdf

HOMESERVER = "https://matrix.example.org"
TENANT_JA = "株式会社サンプル 相談室"

# Whether this machine has a CJK font decides what Japanese cards look like; every test that
# renders runs both with whatever is installed and with the font search finding nothing, so
# the fallback is covered on machines with fonts-noto-cjk and the CJK path where it exists.
HAS_CJK_FONT = find_cjk_font() is not None


def _vouchers(count: int) -> list[Voucher]:
    rng = random.Random(count)
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    mixed = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    vouchers = [
        Voucher(
            user_id=f"@c-{''.join(rng.choices(alphabet, k=10))}:example.org",
            password="-".join("".join(rng.choices(mixed, k=4)) for _ in range(4)),
        )
        for _ in range(count)
    ]
    # Same-length, distinct values, so "occurs exactly once" cannot match inside another.
    assert len({v.user_id for v in vouchers}) == len({v.password for v in vouchers}) == count
    return vouchers


@pytest.fixture(params=["installed-fonts", "no-cjk-font"])
def cjk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Whether rendering gets a CJK font in this run."""
    if request.param == "no-cjk-font":
        monkeypatch.setattr(voucher_sheet, "find_cjk_font", lambda: None)
        return False
    return HAS_CJK_FONT


def _pages(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


def _expected_modules(user_id: str) -> list[list[bool]]:
    # Same call as the module makes; comparing module grids shows each card carries a valid QR
    # code for its own account without a decoder dependency.
    qr = segno.make(f"{HOMESERVER}\n{user_id}", error="m", micro=False)
    return [[bool(module) for module in row] for row in qr.matrix]


def _qr_modules(image: Image.Image) -> list[list[bool]]:
    """Sample the centre of every module of a QR code image with a light quiet zone."""
    gray = image.convert("L")
    pixels, width = gray.tobytes(), gray.width

    def dark(x: float, y: float) -> bool:
        return pixels[int(y) * width + int(x)] < 128

    dark_xs = [i % width for i, value in enumerate(pixels) if value < 128]
    dark_ys = [i // width for i, value in enumerate(pixels) if value < 128]
    left, right = min(dark_xs), max(dark_xs) + 1
    top, bottom = min(dark_ys), max(dark_ys) + 1
    # Finder patterns put dark modules in three corners, so the dark pixels' bounding box is
    # the symbol, and the top-left finder's first row is 7 modules of dark.
    module = (next(x for x in range(left, right) if not dark(x, top)) - left) / 7
    size = round((right - left) / module)
    assert round((bottom - top) / module) == size
    return [
        [dark(left + (col + 0.5) * module, top + (row + 0.5) * module) for col in range(size)]
        for row in range(size)
    ]


def _squeeze(text: str) -> str:
    # fpdf2 gives the CID-keyed CJK font (Noto Sans CJK) its own two-byte encoding CMap, which
    # pypdf reads as one-byte codes, so each glyph comes out after a NUL (poppler's pdftotext
    # gets it right); text drawn in that font is compared without NULs and whitespace.
    return re.sub(r"[\s\x00]+", "", text)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_pdf_has_every_credential_once_and_a_qr_image_per_card(cjk: bool, lang: str) -> None:
    vouchers = _vouchers(20)
    pdf = render_pdf(vouchers, homeserver_url=HOMESERVER, tenant_name="Sample Inc.", lang=lang)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    assert [len(page.images) for page in reader.pages] == [10, 10]
    images = [image.image for page in reader.pages for image in page.images]
    for voucher, image in zip(vouchers, images, strict=True):
        assert image is not None
        assert _qr_modules(image) == _expected_modules(voucher.user_id)
    text = "\n".join(page.extract_text() for page in reader.pages)
    for voucher in vouchers:
        assert text.count(voucher.user_id) == 1, voucher.user_id
        assert text.count(voucher.password) == 1, voucher.password
    assert text.count(HOMESERVER) == 20
    assert _squeeze(text).count("SampleInc.") == 20


def test_pdf_keeps_the_given_order_across_a_partial_last_page(cjk: bool) -> None:
    vouchers = _vouchers(23)
    pages = _pages(
        render_pdf(vouchers, homeserver_url=HOMESERVER, tenant_name="Sample", lang="en")
    )

    assert len(pages) == 3
    for page_number, page in enumerate(pages):
        on_page = vouchers[page_number * 10 : page_number * 10 + 10]
        positions = [page.index(voucher.user_id) for voucher in on_page]
        assert positions == sorted(positions)


def test_csv_matches_the_vouchers_in_order() -> None:
    vouchers = _vouchers(20)
    data = render_csv(vouchers, homeserver_url=HOMESERVER)

    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    assert reader.fieldnames == ["homeserver", "user_id", "password"]
    rows = list(reader)
    assert rows == [
        {"homeserver": HOMESERVER, "user_id": v.user_id, "password": v.password} for v in vouchers
    ]


def test_japanese_tenant_and_labels(cjk: bool) -> None:
    pdf = render_pdf(_vouchers(3), homeserver_url=HOMESERVER, tenant_name=TENANT_JA, lang="ja")

    text = _squeeze(_pages(pdf)[0])
    if cjk:
        assert text.count(_squeeze(TENANT_JA)) == 3
        assert "パスワード" in text
        assert "ログインしてください" in text
    else:
        # No font can draw Japanese: English labels, and "?" where the name had kana/kanji.
        assert TENANT_JA not in text
        assert "????????" in text
        assert "Password" in text
        assert "Log" in text and "Element" in text


def test_english_labels(cjk: bool) -> None:
    pdf = render_pdf(_vouchers(1), homeserver_url=HOMESERVER, tenant_name="Sample", lang="en")

    text = _pages(pdf)[0]
    for label in ("Server", "User ID", "Password"):
        assert label in text
    assert "パスワード" not in _squeeze(text)


def test_japanese_tenant_on_english_cards(cjk: bool) -> None:
    pdf = render_pdf(_vouchers(1), homeserver_url=HOMESERVER, tenant_name=TENANT_JA, lang="en")

    text = _pages(pdf)[0]
    assert "Password" in text
    if cjk:
        assert _squeeze(TENANT_JA) in _squeeze(text)
    else:
        assert "???????? ???" in text


def test_long_values_shrink_instead_of_being_cut(cjk: bool) -> None:
    homeserver = "https://matrix.counselling-services.example-corporation.co.jp:8448"
    voucher = Voucher("@c-" + "x" * 40 + ":counselling-services.example-corporation.co.jp", "p")
    tenant = "Sample Counselling and Employee Assistance Services of Example Corporation"
    pdf = render_pdf([voucher], homeserver_url=homeserver, tenant_name=tenant, lang="en")

    text = _pages(pdf)[0]
    assert homeserver in text
    assert voucher.user_id in text
    # The title may be cut; it is only there to tell tenants' sheets apart.
    assert "Sample Counselling" in text


def test_unusable_font_falls_back_to_core_fonts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.ttc"
    broken.write_bytes(b"not a font" * 100)
    monkeypatch.setattr(voucher_sheet, "find_cjk_font", lambda: FontFile(broken, 0))

    pdf = render_pdf(_vouchers(2), homeserver_url=HOMESERVER, tenant_name=TENANT_JA, lang="ja")

    assert "Password" in _pages(pdf)[0]


def test_found_font_exists() -> None:
    font = find_cjk_font()
    assert font is None or (font.path.is_file() and font.index >= 0)


def test_empty_list_is_refused() -> None:
    with pytest.raises(ValueError):
        render_pdf([], homeserver_url=HOMESERVER, tenant_name="Sample", lang="en")
    with pytest.raises(ValueError):
        render_csv([], homeserver_url=HOMESERVER)


@pytest.mark.parametrize(
    "vouchers",
    [
        [Voucher("@c-aaaaaaaaaa:example.org", "one"), Voucher("@c-aaaaaaaaaa:example.org", "two")],
        [Voucher("@c-aaaaaaaaaa:example.org", "pass word")],
        [Voucher("@c-aaaaaaaaaa:example.org", "pässword")],
        [Voucher("@c-aaaaaaaaaa:example.org", "")],
    ],
    ids=["duplicate-user", "space", "non-ascii", "empty"],
)
def test_bad_vouchers_are_refused(vouchers: list[Voucher]) -> None:
    with pytest.raises(ValueError):
        render_pdf(vouchers, homeserver_url=HOMESERVER, tenant_name="Sample", lang="en")
    with pytest.raises(ValueError):
        render_csv(vouchers, homeserver_url=HOMESERVER)


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        render_pdf(_vouchers(1), homeserver_url=HOMESERVER, tenant_name="Sample", lang="de")

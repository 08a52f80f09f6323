"""Vietnamese text rules: NFC in, ASCII slugs with đ -> d, diacritic folding, tone placement."""

import unicodedata

import pytest

from articles.text import (
    fold,
    has_diacritics,
    normalise,
    normalise_tones,
    search_key,
    slugify_vi,
    title_case_name,
)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Đối thoại", "doi-thoai"),
        ("Biển Đông", "bien-dong"),
        ("Đối thoại trực tuyến ASEAN-Mỹ lần thứ 33", "doi-thoai-truc-tuyen-asean-my-lan-thu-33"),
        ("ĐẠI SỨ ĐỖ HÙNG VIỆT", "dai-su-do-hung-viet"),
        (
            "Hội nghị Cấp cao ASEAN+3: “Tầm nhìn” sau 2025!",
            "hoi-nghi-cap-cao-asean3-tam-nhin-sau-2025",
        ),
        ("đường đi đến Đà Nẵng", "duong-di-den-da-nang"),
    ],
)
def test_slugs_are_ascii_and_keep_d_from_dj(text, slug):
    assert slugify_vi(text) == slug
    assert slugify_vi(unicodedata.normalize("NFD", text)) == slug


def test_slug_is_cut_at_a_word_boundary():
    slug = slugify_vi("Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54", max_length=20)
    assert slug == "hoi-nghi-bo-truong"
    assert len(slug) <= 20


def test_normalise_makes_nfc_lf_and_drops_bom_and_invisible_characters():
    raw = "\ufeffBiển\u00a0Đông\u200b\r\ndòng hai \r\n"
    nfd = unicodedata.normalize("NFD", "Biển Đông") + "\r\ndòng  hai"
    assert normalise(nfd) == "Biển Đông\ndòng hai"
    assert normalise(raw) == "Biển Đông\ndòng hai"
    assert unicodedata.is_normalized("NFC", normalise(raw))


def test_fold_removes_all_diacritics_including_d():
    assert fold("Biển Đông") == "bien dong"
    assert fold("Đối thoại ASEAN–Mỹ") == "doi thoai asean–my"
    assert fold(unicodedata.normalize("NFD", "Cộng đồng")) == "cong dong"


def test_has_diacritics():
    assert has_diacritics("Biển Đông")
    assert has_diacritics("đ")
    assert not has_diacritics("Bien Dong 2021")


@pytest.mark.parametrize(
    ("old", "new"),
    [("hoà bình", "hòa bình"), ("thoả thuận", "thỏa thuận"), ("Thuỷ", "Thủy"), ("tuỳ", "tùy")],
)
def test_old_tone_placement_becomes_modern(old, new):
    assert normalise_tones(old) == new
    assert search_key(old) == search_key(new)


@pytest.mark.parametrize("word", ["hoàn thành", "quý", "thuyền", "toán", "Quỳnh"])
def test_closed_syllables_and_qu_keep_their_tone(word):
    assert normalise_tones(word) == word


def test_capital_bylines_become_names():
    assert title_case_name("HOÀNG LINH") == "Hoàng Linh"
    assert title_case_name("ĐỖ HÙNG VIỆT") == "Đỗ Hùng Việt"
    assert title_case_name("Bảo Chi") == "Bảo Chi"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Biển Đông", "bien dong"),
        ("ĐÀ NẴNG", "da nang"),
        ("hoà bình, thuý", "hoa binh, thuy"),
        ("café naïve", "cafe naive"),
        ("ASEAN", "asean"),
    ],
)
def test_fold_removes_every_diacritic(text, folded):
    assert fold(text) == folded

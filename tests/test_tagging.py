"""Meetings and themes found in an article's own words, from the fixtures' vocabularies."""

import pytest

from articles.tagging import (
    MeetingCatalogue,
    ThemeMatcher,
    meeting_catalogue,
    tag_text,
    theme_vocabulary_from_fixtures,
)


@pytest.fixture(scope="module")
def themes():
    return ThemeMatcher(theme_vocabulary_from_fixtures())


def meetings_in(text, themes, year=2023):
    found, _ = tag_text(text, article_year=year, themes=themes)
    return [m.slug for m in found]


def themes_in(text, themes):
    _, found = tag_text(text, article_year=2023, themes=themes)
    return {t.slug for t in found}


@pytest.mark.parametrize(
    ("text", "slugs"),
    [
        ("Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 56 (AMM-56) khai mạc.", ["amm-56"]),
        ("Bên lề AMM-57, các Bộ trưởng đã gặp nhau.", ["amm-57"]),
        (
            "chuẩn bị cho Hội nghị cấp cao ASEAN lần thứ 44, 45 và các hội nghị liên quan",
            ["summit-44", "summit-45"],
        ),
        ("tại Hội nghị Cấp cao ASEAN-36 vừa qua", ["summit-36"]),
        ("Hội nghị Cấp cao Đông Á (EAS) lần thứ 18 tại Jakarta", ["eas-18"]),
        ("Diễn đàn khu vực ASEAN lần thứ 30 (ARF-30)", ["arf-30"]),
        ("Hội nghị Cấp cao ASEAN+3 lần thứ 26", ["apt-26"]),
        ("Đối thoại ASEAN-Hoa Kỳ lần thứ 33", ["asean-my-33"]),
        ("Đối thoại ASEAN – Hàn Quốc lần thứ 26", ["asean-han-quoc-26"]),
        ("Hội nghị Quan chức Cao cấp (SOM) ASEAN diễn ra trực tuyến", ["som-2023"]),
        ("các cuộc họp Quan chức cao cấp (SOM) ASEAN tại Lào", ["som-2023"]),
    ],
)
def test_meetings_named_in_text(text, slugs, themes):
    assert meetings_in(text, themes) == slugs


def test_head_of_som_is_a_person_not_a_meeting(themes):
    text = "Thứ trưởng Đỗ Hùng Việt, Trưởng SOM ASEAN Việt Nam, tiếp Đại sứ Nhật Bản."
    assert meetings_in(text, themes) == []


def test_unnumbered_meetings_other_than_som_are_not_tagged(themes):
    text = "các cơ chế như ASEAN+3, Cấp cao Đông Á (EAS), Diễn đàn khu vực ASEAN (ARF)"
    assert meetings_in(text, themes) == []


def test_partner_summit_is_not_the_asean_summit(themes):
    assert meetings_in("Hội nghị Cấp cao ASEAN-Nhật Bản lần thứ 26", themes) == []


def test_numbered_meeting_contradicted_by_its_sentence_is_left_out(themes):
    # The 11th EAS summit was in 2016; "EAS lần thứ 11 … tháng 8/2021" is a ministers' meeting.
    text = (
        "Hội nghị Cấp cao Đông Á (EAS) lần thứ 11 và Hội nghị diễn đàn khu vực ASEAN lần "
        "thứ 28 (ARF-28) tháng 8/2021."
    )
    assert meetings_in(text, themes) == ["arf-28"]


def test_meeting_years_come_from_catalogue_then_rule_then_article():
    catalogue = meeting_catalogue()
    assert catalogue.known_year("AMM", 54) == 2021  # listed
    assert catalogue.known_year("AMM", 60) == 2027  # AMM-n is held in 1967+n
    assert catalogue.known_year("SUMMIT", 48) == 2026  # two summits a year since the 14th
    assert catalogue.known_year("APSC", 30) is None  # no rule: the article's year is used
    found, _ = tag_text(
        "Hội đồng Cộng đồng Chính trị - An ninh ASEAN lần thứ 30",
        article_year=2024,
        themes=ThemeMatcher([]),
    )
    assert [(m.slug, m.year) for m in found] == [("apsc-30", 2024)]


def test_meeting_refs_carry_catalogue_dates_and_place(themes):
    found, _ = tag_text("AMM-55", article_year=2022, themes=themes)
    assert found[0].place == "Phnom Penh, Campuchia"
    assert found[0].start_date.isoformat() == "2022-08-02"


def test_catalogue_is_data():
    catalogue = MeetingCatalogue(
        {
            "series": [
                {
                    "code": "AMM",
                    "numbered": True,
                    "name_template": "AMM {number}",
                    "slug_template": "amm-{number}",
                    "patterns": [r"\bXYZ-(?P<numbers>\d+)"],
                }
            ],
            "meetings": [{"series": "AMM", "number": 7, "year": 1999}],
        }
    )
    found, _ = tag_text(
        "họp XYZ-7", article_year=None, themes=ThemeMatcher([]), catalogue=catalogue
    )
    assert [(m.slug, m.year) for m in found] == [("amm-7", 1999)]


def test_covid_spellings_are_one_theme(themes):
    assert themes_in("dịch COVID-19", themes) == {"covid-19"}
    assert themes_in("dịch Covid-19", themes) == {"covid-19"}
    assert themes_in("dịch covid", themes) == {"covid-19"}


def test_acronym_aliases_match_capitals_only(themes):
    assert themes_in("xây dựng COC hiệu lực", themes) == {"bien-dong"}
    assert "bien-dong" not in themes_in("tài liệu doc và coc", themes)


def test_aliases_match_whole_words_only(themes):
    # "Mekong" inside another word, "DOC" inside "DOCX", are not themes.
    assert themes_in("MekongNet DOCX", themes) == set()


def test_theme_aliases_ignore_old_tone_placement(themes):
    assert "phu-nu-hoa-binh-an-ninh" in themes_in("Chương trình phụ nữ, hoà bình, an ninh", themes)


def test_hyphens_and_spaces_match_loosely(themes):
    assert "chinh-tri-an-ninh" in themes_in("hợp tác chính trị-an ninh", themes)
    assert "timor-leste" in themes_in("Timor – Leste", themes)


def test_biển_đông_with_diacritics_is_not_biến_động(themes):
    assert "bien-dong" not in themes_in("thế giới nhiều biến động", themes)


def test_editor_added_alias_is_used():
    matcher = ThemeMatcher(
        [{"slug": "nang-luong", "name": "Năng lượng", "aliases": ["lưới điện ASEAN", "APG"]}]
    )
    assert [t.slug for t in matcher.find("dự án APG")] == ["nang-luong"]

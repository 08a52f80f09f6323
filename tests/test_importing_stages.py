"""Each importer stage on its own, with one-line cases, and each tagging rule on both sides."""

import datetime

import pytest

from articles.importing import ImportFailure, parse_article
from articles.importing.body import mark_interview
from articles.importing.bylines import read_byline
from articles.importing.figures import caption_of
from articles.importing.furniture import strip_furniture
from articles.importing.lines import is_menu, is_stop_heading
from articles.importing.source import read_source_line
from articles.tagging import ThemeMatcher, in_enumeration, tag_article, tag_text
from articles.vocabulary import vocabulary

V = vocabulary()
THEMES = ThemeMatcher(V.themes)
LEAD = (
    "Sáng 11/7, tại Jakarta, Indonesia, Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 56 đã khai "
    "mạc với sự tham dự của Bộ trưởng Ngoại giao các nước thành viên và Tổng Thư ký ASEAN."
)
BODY = (
    "Các Bộ trưởng trao đổi thực chất về phương hướng hợp tác trong thời gian tới, nhấn mạnh "
    "tầm quan trọng của đoàn kết và vai trò trung tâm của ASEAN trong cấu trúc khu vực."
)


def page(*lines):
    return "\n".join(lines)


# -- furniture -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    ["Zalo", "Chia sẻ", "Bình luận (0)", "12 bình luận", "Đăng nhập", "Quảng cáo", "A+", "|"],
)
def test_furniture_lines_go(line):
    assert strip_furniture([line, BODY], V).lines[0].text == BODY


@pytest.mark.parametrize(
    ("line", "domain"),
    [
        ("© Bản quyền thuộc về Báo Tiền Phong", "tienphong.vn"),
        ("Theo dõi Znews trên Google News", "znews.vn"),
        ("Tải ứng dụng Lao Động", "laodong.vn"),
        ("Báo Quảng Ninh điện tử", "baoquangninh.vn"),
        ("Báo Tin tức - TTXVN", "baotintuc.vn"),
        ("Copyright © 2024 baomoi.com", "baomoi.com"),
    ],
)
def test_page_lines_and_logos_name_the_outlet(line, domain):
    stripped = strip_furniture([line, BODY], V)
    assert [vote.outlet.domain for vote in stripped.votes] == [domain]
    assert [line.text for line in stripped.lines] == [BODY]


@pytest.mark.parametrize(
    "line",
    ["Trang chủ | Thời sự | Thế giới", "Thời sự Thế giới Kinh tế Xã hội", "Thế giới > ASEAN"],
)
def test_menus_and_breadcrumbs_go(line):
    assert is_menu(line, V) or not strip_furniture([line], V).lines


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("Tin liên quan", True),
        ("TIN CÙNG CHUYÊN MỤC", True),
        ("Tin cùng chuyên mục Thế giới", True),
        ("Đọc tiếp", True),
        ("Có thể bạn quan tâm", True),
        ("Hợp tác liên quan đến nhiều lĩnh vực của khu vực đã được đẩy mạnh.", False),
    ],
)
def test_headings_of_other_headlines(line, heading):
    assert is_stop_heading(line, V) is heading


def test_a_box_of_headlines_mid_article_goes_and_the_article_goes_on():
    lines = [BODY, "Tin liên quan", "ASEAN kêu gọi kiềm chế ở Biển Đông", LEAD, BODY + " Hết."]
    kept = [line.text for line in strip_furniture(lines, V).lines]
    assert kept == [BODY, LEAD, BODY + " Hết."]


def test_a_list_at_the_end_goes_to_the_end():
    lines = [BODY, "Đọc nhiều", "Timor-Leste gia nhập ASEAN", "Myanmar họp khẩn"]
    assert [line.text for line in strip_furniture(lines, V).lines] == [BODY]


# -- header ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "top",
    [
        ["Trang chủ", "Thời sự", "Thế giới"],
        ["Báo Tiền Phong", "Đăng nhập"],
        ["Thời sự Thế giới Kinh tế Xã hội Văn hóa Thể thao"],
        ["Thứ Hai, 14/10/2024", "Thế giới"],
    ],
)
def test_the_headline_is_found_after_menus_and_logos(top):
    article = parse_article(page(*top, "Khai mạc Hội nghị AMM-56 tại Jakarta", LEAD, BODY))
    assert article.title == "Khai mạc Hội nghị AMM-56 tại Jakarta"
    assert article.lead == LEAD


def test_the_headline_printed_twice_is_kept_once():
    title = "Khai mạc Hội nghị AMM-56 tại Jakarta"
    article = parse_article(page(title, "11/07/2023 10:35", title, LEAD, BODY))
    assert article.title == title and title not in article.body


def test_the_date_under_the_headline_beats_the_sites_today_above_it():
    text = page("Thứ Hai, 14/10/2024", "Khai mạc Hội nghị AMM-56", "10/10/2024 20:15", LEAD, BODY)
    assert parse_article(text).published_on == datetime.date(2024, 10, 10)


def test_without_a_date_line_the_meeting_gives_the_year():
    article = parse_article(page("Khai mạc Hội nghị AMM-56 tại Jakarta", LEAD, BODY))
    assert article.published_on == datetime.date(2023, 7, 11)


@pytest.mark.parametrize(
    ("marker", "domain"),
    [
        ("TPO - ", "tienphong.vn"),
        ("(NLĐO)-", "nld.com.vn"),
        ("VOV.VN – ", "vov.vn"),
        ("Kinhtedothi - ", "kinhtedothi.vn"),
    ],
)
def test_lead_markers_are_removed_and_name_the_outlet(marker, domain):
    article = parse_article(page("Khai mạc Hội nghị AMM-56 tại Jakarta", marker + LEAD, BODY))
    assert article.lead == LEAD
    assert article.outlet.domain == domain


def test_without_positive_evidence_the_outlet_stays_empty_with_a_warning():
    article = parse_article(page("Khai mạc Hội nghị AMM-56 tại Jakarta", LEAD, BODY))
    assert article.outlet is None
    assert any("outlet not recognised" in w for w in article.warnings)


def test_a_page_that_is_only_a_menu_is_refused():
    with pytest.raises(ImportFailure, match="not an article"):
        parse_article(page("Trang chủ", "Thời sự", "Tin mới", "ASEAN kêu gọi kiềm chế"))


# -- bylines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("Bảo Chi", "Bảo Chi"),
        ("HOÀNG LINH", "Hoàng Linh"),
        ("Thu Hằng/VOV.VN", "Thu Hằng"),
        ("Bài và ảnh: Hà Phương", "Hà Phương"),
        ("Thu Hà (thực hiện)", "Thu Hà"),
        ("Minh Anh (theo Reuters)", "Minh Anh"),
        ("HÀ VY - MINH ĐỨC", "Hà Vy, Minh Đức"),
        ("Nội dung: Hà Phương | Thiết kế: Anh Tuấn | Ảnh: TTXVN", "Hà Phương"),
        ("Theo TTXVN", ""),
    ],
)
def test_bylines(line, author):
    byline = read_byline(line, V)
    assert byline.is_byline and byline.author == author


@pytest.mark.parametrize(
    "line",
    ["Bài viết cùng chủ đề", "Tin cùng chuyên mục", "Thời sự", "Hội nghị diễn ra trực tuyến."],
)
def test_headings_and_sentences_are_no_bylines(line):
    assert not read_byline(line, V).is_byline


# -- figures, source lines, interviews ------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "caption", "credit"),
    [
        ("Toàn cảnh hội nghị. (Ảnh: Duy Quang)", "Toàn cảnh hội nghị.", "Duy Quang"),
        ("Thứ trưởng dự đối thoại - Ảnh: BNG", "Thứ trưởng dự đối thoại", "BNG"),
        ("Các tàu tuần duyên. Ảnh: AFP.", "Các tàu tuần duyên.", "AFP"),
        ("Ảnh: VGP/Nhật Bắc", "", "VGP/Nhật Bắc"),
        ("Hội nghị. (Ảnh do Bộ Ngoại giao cung cấp)", "Hội nghị.", "Bộ Ngoại giao"),
    ],
)
def test_captions_and_credits(line, caption, credit):
    figure = caption_of(line, V)
    assert (figure.caption, figure.credit) == (caption, credit)


def test_a_caption_and_its_credit_on_two_lines_are_one_figure():
    article = parse_article(
        page("Khai mạc AMM-56 tại Jakarta", LEAD, "Toàn cảnh phiên khai mạc.", "Ảnh: TTXVN", BODY)
    )
    assert [(f.caption, f.credit) for f in article.figures] == [
        ("Toàn cảnh phiên khai mạc.", "TTXVN")
    ]


@pytest.mark.parametrize(
    ("line", "url", "domain"),
    [
        ("Nguồn: https://vov.vn/a-123.vov", "https://vov.vn/a-123.vov", "vov.vn"),
        ("(theo baodientu.chinhphu.vn)", "", "baodientu.chinhphu.vn"),
        ("Theo VOV", "", "vov.vn"),
    ],
)
def test_source_lines(line, url, domain):
    source = read_source_line(line, V)
    assert source.url == url
    assert domain in {o.domain for o in source.outlets} | {
        source.url_outlet.domain if source.url_outlet else None
    }


def test_a_sentence_is_no_source_line():
    assert (
        read_source_line("Theo Bộ trưởng, ASEAN cần giữ vững đoàn kết trong bối cảnh mới.", V)
        is None
    )


def test_interview_questions_are_marked():
    paragraphs = [
        "Phóng viên: Thưa ông, RCEP mang lại gì?",
        "Nhiều cơ hội.",
        "Còn thách thức?",
        "Có.",
    ]
    assert mark_interview(paragraphs, V) == [
        "PV: Thưa ông, RCEP mang lại gì?",
        "Nhiều cơ hội.",
        "PV: Còn thách thức?",
        "Có.",
    ]


# -- tagging rules ------------------------------------------------------------------------


def themes_of(parts, year=2023):
    return {p.ref.slug for p in tag_article(parts, article_year=year, themes=THEMES).themes}


def meetings_of(parts, year=2023):
    return {p.ref.slug for p in tag_article(parts, article_year=year, themes=THEMES).meetings}


LIST = (
    "Hai bên nhất trí hợp tác trong các lĩnh vực như y tế, giáo dục, năng lượng, du lịch, văn hóa."
)


def test_a_theme_in_a_list_of_many_areas_is_no_tag():
    assert "nang-luong" not in themes_of({"body": [LIST]})
    assert in_enumeration(LIST, LIST.index("năng lượng"), 4)


def test_a_theme_discussed_in_a_sentence_is_a_tag():
    body = "Các nước nhất trí thúc đẩy hợp tác năng lượng sạch và lưới điện khu vực."
    assert "nang-luong" in themes_of({"body": [body]})


def test_a_theme_named_in_the_title_is_a_tag():
    assert "nang-luong" in themes_of({"title": ["ASEAN bàn về năng lượng"], "body": [LIST]})


def test_a_theme_only_in_a_photo_caption_is_no_tag():
    assert "myanmar" not in themes_of({"caption": ["Đặc phái viên về Myanmar tại hội nghị."]})


def test_a_caption_about_an_earlier_meeting_is_no_tag():
    caption = "Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54 (AMM-54) tháng 8/2021."
    assert meetings_of({"lead": ["Khai mạc AMM-55."], "caption": [caption]}, 2022) == {"amm-55"}


def test_a_background_sentence_about_an_earlier_meeting_is_no_tag():
    body = "Tại AMM-54 năm ngoái, các nước đã thông qua tuyên bố chung."
    assert meetings_of({"lead": ["Khai mạc AMM-55."], "body": [body]}, 2022) == {"amm-55"}


def test_a_meeting_named_in_the_body_this_year_is_a_tag():
    body = "Trước đó, các nước đã chuẩn bị cho Hội nghị Cấp cao ASEAN lần thứ 42."
    assert meetings_of({"body": [body]}, 2023) == {"summit-42"}


@pytest.mark.parametrize(
    "text",
    [
        "Thứ trưởng Đỗ Hùng Việt, Trưởng SOM ASEAN Việt Nam, tiếp Đại sứ Nhật Bản.",
        "Đại sứ Vũ Hồ, Quyền Trưởng SOM ASEAN Việt Nam, chia sẻ.",
    ],
)
def test_a_job_title_is_no_meeting(text):
    assert meetings_of({"lead": [text]}) == set()


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hội nghị Ngoại trưởng ASEAN lần thứ 56", "amm-56"),
        ("bên lề AMM 57", "amm-57"),
        ("Hội nghị Cấp cao ASEAN 42", "summit-42"),
        ("Đối thoại ASEAN-Úc lần thứ 38", "asean-australia-38"),
    ],
)
def test_meetings_written_in_other_ways(text, slug):
    found, _ = tag_text(text, article_year=2023, themes=THEMES)
    assert slug in {m.slug for m in found}


def test_a_photo_credit_is_evidence_when_nothing_else_is():
    article = parse_article(
        page("Khai mạc AMM-56 tại Jakarta", LEAD, "Toàn cảnh. Ảnh: VGP/Nhật Bắc", BODY)
    )
    assert article.outlet.domain == "baodientu.chinhphu.vn"
    assert [e.rule for e in article.evidence["outlet"]] == ["photo credit"]


def test_agency_credits_do_not_outweigh_the_pages_own_name():
    article = parse_article(
        page(
            "Báo Tin tức - TTXVN",
            "Khai mạc AMM-56 tại Jakarta",
            "Jakarta, 11/7 (TTXVN) - " + LEAD,
            "Toàn cảnh. Ảnh: Dương Giang/TTXVN",
            BODY,
            "Hồng Điệp (TTXVN)",
        )
    )
    assert article.outlet.domain == "baotintuc.vn"
    assert article.author == "Hồng Điệp"


def test_a_link_in_the_text_is_no_source_line():
    link = "Toàn văn Tuyên bố chung: https://asean.org/joint-communique-57th-amm"
    article = parse_article(
        page("Khai mạc AMM-57 tại Viêng Chăn", LEAD, link, BODY, BODY + " Hết.")
    )
    assert article.source_url == "" and link in article.paragraphs
    assert article.outlet is None


def test_a_bare_link_at_the_end_is_the_source():
    text = page("Khai mạc AMM-57 tại Viêng Chăn", LEAD, BODY, "https://example-news.vn/amm-57.html")
    assert parse_article(text).source_url == "https://example-news.vn/amm-57.html"


@pytest.mark.parametrize(
    "link, stored",
    [
        (
            "https://báo-mới.vn/amm-57-khai-mạc.html",
            "https://xn--bo-mi-xqa5384c.vn/amm-57-khai-m%E1%BA%A1c.html",
        ),
        (
            "https://example-news.vn/amm-57.html?id=[57]",
            "https://example-news.vn/amm-57.html?id=%5B57%5D",
        ),
        ("https://user:pw@example-news.vn/amm-57.html", ""),  # no mending makes it one
    ],
)
def test_a_source_url_is_stored_as_a_uri_or_not_at_all(link, stored):
    article = parse_article(page("Khai mạc AMM-57 tại Viêng Chăn", LEAD, BODY, "Nguồn: " + link))
    assert article.source_url == stored
    assert link not in "\n".join(article.paragraphs)  # the source line leaves the body


def test_a_menu_like_line_is_decided_fast():
    # Labels made of other labels ("Thời sự quốc tế" = "Thời sự" + "Quốc tế") once made the
    # menu pattern backtrack exponentially: minutes for this line.
    assert is_menu("Thời sự quốc tế " * 12 + "xyz abc def", V) in (True, False)


def test_tagging_a_huge_list_is_linear():
    tags = tag_article({"body": ["COC, " * 20000]}, article_year=2024, themes=THEMES)
    assert [p.ref.slug for p in tags.themes] == ["bien-dong"]
    assert len(tags.themes[0].evidence) <= 30


@pytest.mark.parametrize(
    "sentence",
    [
        "Theo dõi diễn biến trên Biển Đông, các nước bày tỏ quan ngại sâu sắc về tình hình.",
        "Quảng cáo du lịch ASEAN được phát trên kênh truyền hình quốc tế suốt tháng này.",
        "Bản quyền tác giả là lĩnh vực hợp tác mới mà các nước ASEAN cùng quan tâm thúc đẩy.",
    ],
)
def test_a_sentence_that_begins_like_furniture_stays(sentence):
    assert [line.text for line in strip_furniture([sentence], V).lines] == [sentence]


def test_alias_words_are_not_joined_across_a_comma():
    assert "bien-dong" not in themes_of({"lead": ["Các tỉnh ven biển, đông dân cư bị ảnh hưởng."]})
    assert "phu-nu-hoa-binh-an-ninh" in themes_of(
        {"lead": ["Chương trình phụ nữ, hòa bình, an ninh."]}
    )


def test_meeting_number_zero_is_no_meeting():
    assert meetings_of({"lead": ["Hội nghị Cấp cao ASEAN lần thứ 0"]}) == set()

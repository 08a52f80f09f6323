"""Publication dates: explicit date lines win; otherwise the lead's day with the year inferred."""

import datetime

import pytest

from articles.importing import dates
from articles.vocabulary import vocabulary

CUES = vocabulary().dates


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("20:37 | 29/07/2022", datetime.date(2022, 7, 29)),
        ("Thứ Tư, 07/04/2021 10:30", datetime.date(2021, 4, 7)),
        ("Thứ tư, 7/4/2021, 10:30 (GMT+7)", datetime.date(2021, 4, 7)),
        ("Thứ Tư, 12/07/2023 - 10:35", datetime.date(2023, 7, 12)),
        ("12/07/2023 10:35 GMT+7", datetime.date(2023, 7, 12)),
        ("Cập nhật: 10:35 ngày 12/07/2023", datetime.date(2023, 7, 12)),
        ("Chủ nhật, 05-08-2020 08:00", datetime.date(2020, 8, 5)),
        ("ngày 5 tháng 8 năm 2020", datetime.date(2020, 8, 5)),
        ("07.04.2021 10:35", datetime.date(2021, 4, 7)),
        ("10:35 07/04/2021", datetime.date(2021, 4, 7)),
        ("07-04-2021 - 10:35", datetime.date(2021, 4, 7)),
        ("2021-04-07", datetime.date(2021, 4, 7)),
        ("Thứ năm, ngày 12/10/2023 14:20 PM", datetime.date(2023, 10, 12)),
        ("14:30, ngày 20-03-2024", datetime.date(2024, 3, 20)),
        ("15.08.2024 | 21:10", datetime.date(2024, 8, 15)),
        ("05/09/2023 | 19:30GMT+7", datetime.date(2023, 9, 5)),
        ("Thứ Tư, 7/4/2021, 10:35 (GMT+07:00)", datetime.date(2021, 4, 7)),
        ("12 tháng 10, 2023", datetime.date(2023, 10, 12)),
    ],
)
def test_date_lines(line, expected):
    assert dates.date_line(line, CUES) == expected
    assert dates.date_line(line, CUES, strict=True) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Thế giới | 07/04/2021 10:35", datetime.date(2021, 4, 7)),
        ("Lượt xem: 1.234 | 07/04/2021", datetime.date(2021, 4, 7)),
    ],
)
def test_header_date_lines_may_carry_a_section_name(line, expected):
    assert dates.date_line(line, CUES) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Ngày 7/4/2021, Thứ trưởng Ngoại giao dẫn đầu đoàn Việt Nam dự Hội nghị.",
        "31/02/2021",  # no such day
        "Kế hoạch hành động ASEAN-Mỹ giai đoạn 2016-2020",
    ],
)
def test_sentences_and_impossible_dates_are_not_date_lines(line):
    assert dates.date_line(line, CUES) is None


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("Ngày 7/4, Thứ trưởng Ngoại giao Nguyễn Quốc Dũng dẫn đầu đoàn.", (7, 4, None)),
        ("Trong khuôn khổ AMM-54, chiều 2/8 đã diễn ra Hội nghị.", (2, 8, None)),
        ("Trong hai ngày 21-22/8/2024, tại Luang Prabang đã diễn ra các cuộc họp.", (22, 8, 2024)),
        ("Hà Nội, 7/4 (TTXVN) - Sáng nay, Thủ tướng chủ trì.", (7, 4, None)),
        ("Sáng 12/7 (giờ địa phương), tại Jakarta, Indonesia.", (12, 7, None)),
        ("Ngày 11-7, tại Jakarta, Hội nghị khai mạc.", (11, 7, None)),
        ("Sáng nay (11/7), các Bộ trưởng họp.", (11, 7, None)),
        ("Trong hai ngày 8-9/7, tại Kuala Lumpur.", (9, 7, None)),
        ("Đối thoại diễn ra từ ngày 29/6-1/7 tại Seoul.", (1, 7, None)),
        ("Ngày 12 tháng 10, các nhà lãnh đạo gặp nhau.", (12, 10, None)),
        ("Kuala Lumpur, 26/10 (TTXVN) - Chiều 26/10, lãnh đạo các nước dự lễ.", (26, 10, None)),
    ],
)
def test_day_and_month_from_the_lead(lead, expected):
    assert dates.day_month_in(lead, CUES) == expected


def test_a_decimal_number_is_no_date():
    assert dates.day_month_in("ngày 1.5 triệu lượt khách", CUES) is None


def test_year_from_chair_year_beats_other_years():
    text = "Trong năm ASEAN 2021 … những thành quả đạt được trong năm 2020 … UNCLOS 1982."
    assert dates.infer_year(text, 4, CUES) == 2021


def test_year_from_month_year_matching_the_date_month():
    text = "Trong tháng Chủ tịch HĐBA (4/2021), Việt Nam … Kế hoạch 2016-2020."
    assert dates.infer_year(text, 4, CUES) == 2021


def test_year_from_meetings_of_known_year():
    assert (
        dates.infer_year("Giải thưởng ASEAN năm 2020.", 8, CUES, meeting_years=[(2021, 5)]) == 2021
    )


def test_future_and_out_of_range_years_are_ignored():
    text = "Tầm nhìn ASEAN 2045 và Chủ tịch ASEAN 2099."
    assert dates.infer_year(text, 1, CUES, today=datetime.date(2026, 1, 1)) is None


def test_years_that_name_plans_not_the_present_are_weak():
    text = "Chủ tịch ASEAN 2020 … Kế hoạch hành động 2021-2025 … sau năm 2025 … năm 2025."
    assert dates.infer_year(text, 8, CUES) == 2020


def test_no_year_cue_gives_none():
    assert dates.infer_year("Ngày 7/4, các nước họp trực tuyến.", 4, CUES) is None

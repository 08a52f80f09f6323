"""Publication dates: explicit date lines win; otherwise the lead's day with the year inferred."""

import datetime

import pytest

from articles.importing import dates


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
    ],
)
def test_header_date_lines(line, expected):
    assert dates.date_from_header_line(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Ngày 7/4/2021, Thứ trưởng Ngoại giao dẫn đầu đoàn Việt Nam dự Hội nghị.",
        "31/02/2021",  # no such day
        "Kế hoạch hành động ASEAN-Mỹ giai đoạn 2016-2020",
    ],
)
def test_sentences_and_impossible_dates_are_not_date_lines(line):
    assert dates.date_from_header_line(line) is None


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("Ngày 7/4, Thứ trưởng Ngoại giao Nguyễn Quốc Dũng dẫn đầu đoàn.", (7, 4, None)),
        ("Trong khuôn khổ AMM-54, chiều 2/8 đã diễn ra Hội nghị.", (2, 8, None)),
        ("Trong hai ngày 21-22/8/2024, tại Luang Prabang đã diễn ra các cuộc họp.", (22, 8, 2024)),
        ("Hà Nội, 7/4 (TTXVN) - Sáng nay, Thủ tướng chủ trì.", (7, 4, None)),
        ("Sáng 12/7 (giờ địa phương), tại Jakarta, Indonesia.", (12, 7, None)),
    ],
)
def test_day_and_month_from_the_lead(lead, expected):
    assert dates.day_month_in(lead) == expected


def test_year_from_chair_year_beats_other_years():
    text = "Trong năm ASEAN 2021 … những thành quả đạt được trong năm 2020 … UNCLOS 1982."
    assert dates.infer_year(text, month=4) == 2021


def test_year_from_month_year_matching_the_date_month():
    text = "Trong tháng Chủ tịch HĐBA (4/2021), Việt Nam … Kế hoạch 2016-2020."
    assert dates.infer_year(text, month=4) == 2021


def test_year_from_meetings_of_known_year():
    assert (
        dates.infer_year("Giải thưởng ASEAN năm 2020.", month=8, meeting_years=[(2021, 5)]) == 2021
    )


def test_future_and_out_of_range_years_are_ignored():
    text = "Tầm nhìn ASEAN 2045 và Chủ tịch ASEAN 2099."
    assert dates.infer_year(text, month=1, today=datetime.date(2026, 1, 1)) is None


def test_years_that_name_plans_not_the_present_are_weak():
    text = "Chủ tịch ASEAN 2020 … Kế hoạch hành động 2021-2025 … sau năm 2025 … năm 2025."
    assert dates.infer_year(text, month=8) == 2020


def test_no_year_cue_gives_none():
    assert dates.infer_year("Ngày 7/4, các nước họp trực tuyến.", month=4) is None

"""The five seed files, parsed and tagged: every field pinned, as an editor would extract it."""

import datetime

import pytest

from articles.services import article_import
from articles.tagging import ThemeMatcher, theme_vocabulary_from_fixtures

from .conftest import SEEDS

SEED_EXPECTATIONS = {
    "000_70b5c8d6d0b5c278.txt": {
        "title": "SOM ASEAN: Tăng cường hợp tác ứng phó đại dịch Covid-19 và các thách thức "
        "đang nổi lên",
        "lead": "Ngày 7/4, Thứ trưởng Ngoại giao Nguyễn Quốc Dũng, Trưởng SOM ASEAN Việt Nam đã "
        "dẫn đầu đoàn Việt Nam dự Hội nghị Quan chức Cao cấp (SOM) ASEAN theo hình thức trực "
        "tuyến.",
        "author": "Bảo Chi",
        "outlet": {"name": "Báo Thế giới & Việt Nam", "domain": "baoquocte.vn"},
        "source_url": "",
        "published_on": "2021-04-07",
        "paragraphs": 14,
        "body_first": "Phát biểu tại Hội nghị, các nước nhất trí đẩy mạnh nỗ lực triển khai",
        "body_last": "vì phục hồi toàn diện và phát triển bền vững”.",
        "figures": [
            {
                "caption": "Thứ trưởng Ngoại giao Nguyễn Quốc Dũng, Trưởng SOM ASEAN của Việt Nam "
                "tham dự Hội nghị Quan chức Cấp cao (SOM) ASEAN ngày 7/4 theo hình thức trực "
                "tuyến.",
                "credit": "Duy Quang",
            },
            {
                "caption": "Đại diện các nước tham dự Hội nghị Quan chức Cao cấp (SOM) ASEAN.",
                "credit": "Duy Quang",
            },
        ],
        "meetings": [
            {
                "name": "Hội nghị Quan chức Cao cấp ASEAN 2021",
                "slug": "som-2021",
                "series": "SOM",
                "number": None,
                "year": 2021,
            },
        ],
        "themes": {
            "covid-19",
            "bien-dong",
            "myanmar",
            "tam-nhin-sau-2025",
            "tieu-vung-mekong",
            "nhan-dao",
        },
        "body_excludes": [
            "Theo dõi Baoquocte.vn",
            "(Ảnh:",
            "TIN LIÊN QUAN",
            "ECOWAS",
            "Bài viết cùng chủ đề",
            "Đọc thêm",
            "Phiên bản di động",
            "Bảo Chi",
        ],
    },
    "001_653fd90441ea7279.txt": {
        "title": "ASEAN cần tăng cường hợp tác chính trị - an ninh trong bối cảnh dịch Covid-19",
        "lead": "Trong khuôn khổ Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54 (AMM-54) và các "
        "hội nghị liên quan, chiều 2/8 đã diễn ra Hội nghị Hội đồng Cộng đồng chính trị - an "
        "ninh ASEAN lần thứ 23.",
        "author": "",
        "outlet": {"name": "Báo Nhân Dân", "domain": "nhandan.vn"},
        "source_url": "",
        "published_on": "2021-08-02",
        "paragraphs": 13,
        "body_first": "Bộ trưởng Ngoại giao Bùi Thanh Sơn dẫn đầu đoàn Việt Nam tham dự Hội nghị.",
        "body_last": "hỗ trợ tiến trình hội nhập ASEAN và xây dựng Cộng đồng.",
        "figures": [
            {
                "caption": "Hội nghị diễn ra theo hình thức trực tuyến.",
                "credit": "báo Thế giới và Việt Nam",
            },
        ],
        "meetings": [
            {
                "name": "Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54",
                "slug": "amm-54",
                "series": "AMM",
                "number": 54,
                "year": 2021,
            },
            {
                "name": "Hội nghị Hội đồng Cộng đồng Chính trị-An ninh ASEAN lần thứ 23",
                "slug": "apsc-23",
                "series": "APSC",
                "number": 23,
                "year": 2021,
            },
        ],
        "themes": {
            "covid-19",
            "bien-dong",
            "myanmar",
            "chinh-tri-an-ninh",
            "nhan-dao",
            "phu-nu-hoa-binh-an-ninh",
        },
        # The last line is the headline of another article, printed without a label.
        "body_excludes": [
            "NDO -",
            "Khai mạc Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54",
            "Ảnh do báo",
        ],
    },
    "002_755a83d31bc7d8e8.txt": {
        "title": "ASEAN đoàn kết, nâng cao chất lượng hợp tác và liên kết",
        "lead": "Nhân dịp Bộ trưởng Ngoại giao Bùi Thanh Sơn tham dự Hội nghị Bộ trưởng Ngoại giao "
        "ASEAN lần thứ 55 và các hội nghị liên quan tại Phnom Penh, Campuchia, Đại sứ Vũ Hồ, "
        "Quyền Trưởng SOM ASEAN Việt Nam đã chia sẻ về ý nghĩa, các nội dung trọng tâm của Hội "
        "nghị và sự đóng góp của Việt Nam. Đồng thời, nêu bật những thành tựu của ASEAN trong "
        "55 năm qua, trong đó có dấu ấn của Việt Nam.",
        "author": "Hà Phương",
        "outlet": {"name": "Báo Nhân Dân", "domain": "nhandan.vn"},
        "source_url": "",
        "published_on": "2022-07-29",
        "paragraphs": 37,
        "body_first": "PV: Đại sứ có thể chia sẻ ý nghĩa và những điểm nhấn nổi bật của kỳ họp "
        "Bộ trưởng Ngoại giao ASEAN lần này?",
        "body_last": "PV: Xin cảm ơn Đại sứ!",
        "figures": [
            {
                "caption": "Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54 (AMM-54) tháng 8/2021.",
                "credit": "TTXVN, TG&VN, VGP…",
            },
            {
                "caption": "Hội nghị trực tuyến Bộ trưởng Ngoại giao các nước tham gia Hội "
                "nghị Cấp cao Đông Á (EAS) lần thứ 11 và Hội nghị diễn đàn khu vực ASEAN lần "
                "thứ 28 (ARF-28) tháng 8/2021.",
                "credit": "TTXVN, TG&VN, VGP…",
            },
        ],
        "meetings": [
            {
                "name": "Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 55",
                "slug": "amm-55",
                "series": "AMM",
                "number": 55,
                "year": 2022,
            },
            {
                "name": "Đối thoại ASEAN–Hàn Quốc lần thứ 26",
                "slug": "asean-han-quoc-26",
                "series": "DIALOGUE",
                "number": 26,
                "year": 2022,
            },
        ],
        # AMM-54 and ARF-28 are named only in captions of 2021 photos: not this 2022 article.
        # Climate, digital, food and energy are passing items in lists of cooperation areas.
        "themes": {
            "covid-19",
            "bien-dong",
            "myanmar",
            "kinh-te-thuong-mai",
            "chinh-tri-an-ninh",
            "tam-nhin-sau-2025",
            "nhan-dao",
        },
        "body_excludes": [
            "Back to E-magazine",
            "e magazine",
            "20:37",
            "Nội dung: Hà Phương",
            "Đọc thêm",
            "Thổ Nhĩ Kỳ",
            "Ishikawa",
        ],
    },
    "003_81ea59991d5bf172.txt": {
        "title": "Cam kết phối hợp chặt chẽ bảo đảm thành công của Hội nghị cấp cao ASEAN",
        "lead": "Trong hai ngày 21-22/8/2024, tại thành phố di sản Luang Prabang của Lào, đã diễn "
        "ra các cuộc họp Quan chức cao cấp (SOM) ASEAN, ASEAN+3 và Cấp cao Đông Á (EAS) dưới sự "
        "chủ trì của Lào, nước Chủ tịch ASEAN 2024.",
        "author": "",
        "outlet": {"name": "VietNamNet", "domain": "vietnamnet.vn"},
        "source_url": "https://vietnamnet.vn/cam-ket-phoi-hop-chat-che-bao-dam-thanh-cong-cua-"
        "hoi-nghi-cap-cao-asean-2314642.html",
        "published_on": "2024-08-22",
        "paragraphs": 15,
        "body_first": "Đoàn Việt Nam do Thứ trưởng Ngoại giao Đỗ Hùng Việt, Trưởng SOM ASEAN Việt "
        "Nam dẫn đầu đã tham dự các cuộc họp.",
        "body_last": "tăng cường phối hợp tại các diễn đàn đa phương.",
        "figures": [
            {
                "caption": "Trọng tâm của các cuộc họp lần này là trao đổi về công tác chuẩn bị "
                "cho Hội nghị cấp cao ASEAN lần thứ 44, 45 và các Hội nghị cấp cao liên quan",
                "credit": "",
            },
        ],
        "meetings": [
            {
                "name": "Hội nghị Quan chức Cao cấp ASEAN 2024",
                "slug": "som-2024",
                "series": "SOM",
                "number": None,
                "year": 2024,
            },
            {
                "name": "Hội nghị Cấp cao ASEAN lần thứ 44",
                "slug": "summit-44",
                "series": "SUMMIT",
                "number": 44,
                "year": 2024,
            },
            {
                "name": "Hội nghị Cấp cao ASEAN lần thứ 45",
                "slug": "summit-45",
                "series": "SUMMIT",
                "number": 45,
                "year": 2024,
            },
        ],
        # Myanmar is one of five hot spots listed once; "chuyển đổi xanh" ends a list.
        "themes": {
            "bien-dong",
            "timor-leste",
            "kinh-te-thuong-mai",
            "chuyen-doi-so",
            "tam-nhin-sau-2025",
            "an-ninh-luong-thuc",
        },
        "body_excludes": ["Nguồn VietnamNet", "Zalo", "https://"],
    },
    "004_7e09f98f85691267.txt": {
        "title": "Đối thoại trực tuyến ASEAN-Mỹ lần thứ 33",
        "lead": "Ngày 5/8, Thứ trưởng Nguyễn Quốc Dũng, Trưởng SOM ASEAN của Việt Nam đã tham dự "
        "Đối thoại ASEAN-Mỹ lần thứ 33 được tổ chức theo hình thức trực tuyến. Tại Hội nghị, hai "
        "bên đã trao đổi về định hướng hợp tác ASEAN-Mỹ trong thời gian tới và chia sẻ về các "
        "vấn đề khu vực và quốc tế cùng quan tâm.",
        "author": "",
        "outlet": {"name": "Báo điện tử Chính phủ", "domain": "baodientu.chinhphu.vn"},
        "source_url": "http://baodientu.chinhphu.vn/Chinh-tri-An-ninh/Doi-thoai-truc-tuyen-"
        "ASEANMy-lan-thu-33/403295.vgp",
        "published_on": "2020-08-05",
        "paragraphs": 11,
        "body_first": "Trợ lý Ngoại trưởng Mỹ David Stilwell khẳng định Mỹ luôn coi trọng quan hệ",
        "body_last": "trong năm 2020 trong nhiệm kỳ Chủ tịch ASEAN của Việt Nam.",
        "figures": [
            {"caption": "Thứ trưởng Nguyễn Quốc Dũng dự đối thoại", "credit": "BNG"},
            {"caption": "", "credit": "BNG"},
        ],
        "meetings": [
            {
                "name": "Đối thoại ASEAN–Mỹ lần thứ 33",
                "slug": "asean-my-33",
                "series": "DIALOGUE",
                "number": 33,
                "year": 2020,
            },
            {
                "name": "Hội nghị Cấp cao ASEAN lần thứ 36",
                "slug": "summit-36",
                "series": "SUMMIT",
                "number": 36,
                "year": 2020,
            },
        ],
        # "Timor Leste" is only in the list of other headlines: not this article's theme.
        "themes": {
            "covid-19",
            "bien-dong",
            "kinh-te-thuong-mai",
            "chuyen-doi-so",
            "tieu-vung-mekong",
        },
        "body_excludes": ["Tin Liên Quan", "theo baodientu", "Kaysone", "Timor", "Ảnh: BNG"],
    },
}


@pytest.fixture(scope="module")
def matcher():
    return ThemeMatcher(theme_vocabulary_from_fixtures())


def import_dry(name, matcher):
    data = (SEEDS / name).read_bytes()
    return article_import(data=data, source_file=name, dry_run=True, themes=matcher)


def test_every_seed_has_expectations():
    assert sorted(p.name for p in SEEDS.glob("*.txt")) == sorted(SEED_EXPECTATIONS)


@pytest.mark.parametrize("name", sorted(SEED_EXPECTATIONS))
def test_seed_fields(name, matcher):
    expected = SEED_EXPECTATIONS[name]
    result = import_dry(name, matcher)
    assert result.error == ""
    out = result.as_dict()
    for key in (
        "title",
        "lead",
        "author",
        "outlet",
        "source_url",
        "published_on",
        "figures",
    ):
        assert out[key] == expected[key], key
    meetings = [{k: v for k, v in m.items() if k != "evidence"} for m in out["meetings"]]
    assert meetings == expected["meetings"]
    assert {t["slug"] for t in out["themes"]} == expected["themes"]
    paragraphs = out["body"].split("\n\n")
    assert len(paragraphs) == expected["paragraphs"]
    assert paragraphs[0].startswith(expected["body_first"])
    assert paragraphs[-1].endswith(expected["body_last"])
    for furniture in expected["body_excludes"]:
        assert furniture not in out["body"], furniture


@pytest.mark.parametrize("name", sorted(SEED_EXPECTATIONS))
def test_seed_body_keeps_each_line_once(name, matcher):
    paragraphs = import_dry(name, matcher).parsed.paragraphs
    assert len(paragraphs) == len(set(paragraphs))
    assert import_dry(name, matcher).parsed.lead not in paragraphs


def test_interview_questions_are_marked_and_answers_are_not(matcher):
    paragraphs = import_dry("002_755a83d31bc7d8e8.txt", matcher).parsed.paragraphs
    questions = [p for p in paragraphs if p.startswith("PV: ")]
    assert len(questions) == 7
    assert all(q.endswith(("?", "!")) for q in questions)
    answer = paragraphs[paragraphs.index(questions[0]) + 1]
    assert answer.startswith("Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 55 (AMM-55)")


def test_published_on_is_a_date(matcher):
    parsed = import_dry("000_70b5c8d6d0b5c278.txt", matcher).parsed
    assert parsed.published_on == datetime.date(2021, 4, 7)


@pytest.mark.parametrize("name", sorted(SEED_EXPECTATIONS))
def test_every_proposed_tag_carries_its_evidence(name, matcher):
    out = import_dry(name, matcher).as_dict()
    for tag in out["meetings"] + out["themes"]:
        assert tag["evidence"], tag["slug"]
        for evidence in tag["evidence"]:
            assert evidence["place"] in {"title", "lead", "body", "caption"}
            assert evidence["alias"].casefold() in evidence["sentence"].casefold()


def test_energy_in_lists_of_cooperation_areas_is_no_theme(matcher):
    out = import_dry("002_755a83d31bc7d8e8.txt", matcher).as_dict()
    assert "nang-luong" not in {t["slug"] for t in out["themes"]}

"""The admin's slug script makes the same slugs as the server, and replaces Django's URLify."""

import json
import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from articles.text import slugify_vi

from .conftest import ROOT

SCRIPT = ROOT / "static" / "articles" / "admin" / "vn_slugify.js"
NODE = shutil.which("node")

needs_node = pytest.mark.skipif(
    NODE is None, reason="`node` is not on PATH: cannot run static/articles/admin/vn_slugify.js"
)

TITLES = [
    "Biển Đông",
    "Đối thoại ASEAN–Mỹ lần thứ 33",
    "Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 54 (AMM-54)",
    "Thủ tướng Phạm Minh Chính dự Hội nghị Cấp cao ASEAN 43 tại Jakarta",
    "ASEAN/Trung Quốc: đàm phán COC — “vòng mới”",
    "Quan hệ Việt Nam - ASEAN: 28 năm đồng hành",
    "Đồng thuận 5 điểm về Myanmar, nhìn lại sau 2 năm",
    "Hòa bình, ổn định và hợp tác ở Biển Đông là lợi ích chung của khu vực",
    "Thuý Hoà thăm Đà Nẵng; Ưu tiên năm Chủ tịch ASEAN 2020",
    "  Chuyển đổi số__và kinh tế xanh!!  ",
    "SOM ASEAN 2021 – chuẩn bị cho AMM-54",
    "Tầm nhìn Cộng đồng ASEAN 2045 — sau năm 2025 là gì?",
]


def run_urlify(values, max_length=50):
    """Return ``URLify(value, max_length)`` for each value, computed by node."""
    program = (
        "globalThis.URLify = () => 'django urlify';"  # Django's, loaded before ours
        f"require({json.dumps(str(SCRIPT))});"
        "const values = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        f"process.stdout.write(JSON.stringify(values.map(v => URLify(v, {max_length}))));"
    )
    done = subprocess.run(
        [NODE, "-e", program],
        input=json.dumps(values),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
        check=True,
    )
    return json.loads(done.stdout)


@needs_node
@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Biển Đông", "bien-dong"),
        ("Đối thoại ASEAN–Mỹ lần thứ 33", "doi-thoai-asean-my-lan-thu-33"),
    ],
)
def test_js_urlify_makes_vietnamese_ascii_slugs(title, slug):
    assert run_urlify([title]) == [slug]


@needs_node
def test_js_urlify_matches_the_server_slug():
    assert run_urlify(TITLES) == [slugify_vi(title, max_length=50) for title in TITLES]


@needs_node
@pytest.mark.parametrize("max_length", [10, 20, 95])
def test_js_urlify_cuts_at_a_word_boundary_like_the_server(max_length):
    expected = [slugify_vi(title, max_length=max_length) for title in TITLES]
    assert run_urlify(TITLES, max_length) == expected


# -- the admin pages load it after Django's urlify.js -----------------------------------


def script_order(html):
    return re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["article", "themetag", "meetingtag"])
def test_admin_add_page_loads_vn_slugify_after_django_urlify(editor_client, model):
    response = editor_client.get(reverse(f"admin:articles_{model}_add"))
    assert response.status_code == 200
    scripts = script_order(response.content.decode())
    urlify = [i for i, src in enumerate(scripts) if src.endswith("/admin/js/urlify.js")]
    ours = [i for i, src in enumerate(scripts) if src.endswith("/articles/admin/vn_slugify.js")]
    assert len(urlify) == 1 and len(ours) == 1, scripts
    assert urlify[0] < ours[0]
    # And before the script that wires the slug field up to URLify.
    prepopulate = [i for i, src in enumerate(scripts) if "admin/js/prepopulate" in src]
    assert prepopulate and ours[0] < max(prepopulate)

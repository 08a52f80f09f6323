"""articles/source_url.py: what is stored as an article's source URL is a URI."""

import pytest

from articles import source_url

STRICT = [
    ("https://vnexpress.net/a-b-123.html", "https://vnexpress.net/a-b-123.html"),
    ("HTTP://VnExpress.net/A?x=1&y=%C4%91#top", "http://vnexpress.net/A?x=1&y=%C4%91#top"),
    ("https://báo.vn/bài-viết", "https://xn--bo-mia.vn/b%C3%A0i-vi%E1%BA%BFt"),
    ("https://vnexpress.net/tìm", "https://vnexpress.net/t%C3%ACm"),
    ("http://[::1]:8000/x", "http://[::1]:8000/x"),
    ("https://vnexpress.net:443/a", "https://vnexpress.net:443/a"),
    ("https://vnexpress.net:/a", "https://vnexpress.net/a"),
    ("Https://VNExpress.net/A", "https://vnexpress.net/A"),
    ("http://[fe80::1%25eth0]:80/a", "http://[fe80::1%25eth0]:80/a"),
    ("https://báo.vn?q=Hà-Nội#mục", "https://xn--bo-mia.vn?q=H%C3%A0-N%E1%BB%99i#m%E1%BB%A5c"),
    ("", ""),
]


@pytest.mark.parametrize("value, uri", STRICT)
def test_strict_gives_the_uri_of_an_http_url(value, uri):
    assert source_url.strict(value) == uri


REFUSED = [
    "không phải URL",
    "https://vnexpress.net/a b",
    'https://vnexpress.net/a"b',
    "https://vnexpress.net/<script>",
    "https://vnexpress.net/a|b",
    "https://vnexpress.net/%zz",
    "https://vnexpress.net/a#b#c",
    "https://vnexpress.net/a[1]",  # brackets belong to an IPv6 host only
    "https://vnexpress.net/a?x=]",
    "https://[vnexpress.net/a",
    "https://[::1]x/",  # something after the address
    "http://[v1.fe]/",  # an IPvFuture literal is no news site
    "http://[::g]/",
    "http://a.vn/\ud800",  # a lone surrogate
    " https://vnexpress.net/a",  # white space around it: the editor sees it refused
    "https://.vn/",
    "https://vnexpress.net:99999/a",  # no such port
    "https://user:pw@vnexpress.net/",
    "ftp://vnexpress.net/a",
    "javascript:alert(1)",
    "https:///bai-viet",
    "//vnexpress.net/a",
    "https://" + "a" * 64 + ".vn/",  # a label IDNA cannot hold
    "https://vnexpress.net/" + "a" * 480,  # longer than the column
    "https://vnexpress.net/" + "đ" * 100,  # short as text, too long once encoded
]


@pytest.mark.parametrize("value", REFUSED)
def test_strict_refuses_what_is_no_http_uri(value):
    with pytest.raises(source_url.NotASourceURL):
        source_url.strict(value)


LENIENT = [
    ('https://vnexpress.net/a"b<c>', "https://vnexpress.net/a%22b%3Cc%3E"),
    ("https://vnexpress.net/a|b{c}^d`e\\f", "https://vnexpress.net/a%7Cb%7Bc%7D%5Ed%60e%5Cf"),
    ("https://vnexpress.net/a b", "https://vnexpress.net/a%20b"),
    ("https://vnexpress.net/%zz%41", "https://vnexpress.net/%25zz%41"),
    ("https://vnexpress.net/a#b#c", "https://vnexpress.net/a#b%23c"),
    ("https://vnexpress.net/a[1]?x=]", "https://vnexpress.net/a%5B1%5D?x=%5D"),
    ("http://[::1]:8000/a[1]", "http://[::1]:8000/a%5B1%5D"),
    ("https://báo.vn/bài", "https://xn--bo-mia.vn/b%C3%A0i"),
    # the scheme's case and white space around do not shift the host into the path
    ("HTTPS://VNEXPRESS.NET/abc", "https://vnexpress.net/abc"),
    ("  https://vnexpress.net/a b\n", "https://vnexpress.net/a%20b"),
]


@pytest.mark.parametrize("value, uri", LENIENT)
def test_lenient_mends_what_can_be_mended(value, uri):
    assert source_url.lenient(value) == uri
    assert source_url.strict(uri) == uri  # and what it gives is a URI strict keeps as it is


@pytest.mark.parametrize(
    "value",
    [
        "",
        "ftp://vnexpress.net/a",
        "javascript:alert(1)",
        "https:///bai-viet",
        "https://user:pw@vnexpress.net/",
        "https://vnexpress.net/" + "a" * 480,
        "http://a.vn/\ud800",
        "https://[::1]x/",
        "http://[",
        "https://vnexpress.net:abc/",
    ],
)
def test_lenient_gives_none_for_what_cannot_be_mended(value):
    assert source_url.lenient(value) is None


@pytest.mark.parametrize("value", [uri for _, uri in STRICT if uri] + [u for _, u in LENIENT])
def test_a_uri_is_kept_as_it_is(value):
    assert source_url.strict(value) == source_url.lenient(value) == value


@pytest.mark.django_db
def test_the_migration_stores_earlier_source_urls_as_uris():
    from importlib import import_module

    from django.apps import apps

    from articles.models import Article

    from . import factories

    stored = {
        "https://vnexpress.net/hội-nghị": "https://vnexpress.net/h%E1%BB%99i-ngh%E1%BB%8B",
        "HTTPS://VnExpress.net/a|b": "https://vnexpress.net/a%7Cb",
        "https://vnexpress.net/ok.html": "https://vnexpress.net/ok.html",
        "ftp://vnexpress.net/a": "ftp://vnexpress.net/a",  # no http(s) URL: left as it is
        "https://VNEXPRESS.net/ok.html": "https://VNEXPRESS.net/ok.html",  # its URI is taken
        "": "",
    }
    articles = {value: factories.article() for value in stored}
    for value, article in articles.items():
        Article.objects.filter(pk=article.pk).update(source_url=value)
    import_module("articles.migrations.0013_source_urls_as_uris").to_uris(apps, None)
    for value, article in articles.items():
        article.refresh_from_db()
        assert article.source_url == stored[value], value

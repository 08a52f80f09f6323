"""Input files before parsing: decoding bytes to text, and walking command-line paths.

Pure tests: no database. Tests run as root in CI, where permissions do not stop reads, so the
chmod tests skip under root and a twin of each fakes the refusal instead.
"""

import codecs
import errno
import os
import unicodedata
from pathlib import Path

import pytest

from articles.importing import decode, paths
from articles.importing.decode import HTML_MESSAGE, decode_input, format_size, looks_like_html
from articles.importing.errors import ImportFailure
from articles.importing.paths import InputFile, iter_inputs, read_input

BAD = Path(__file__).resolve().parent.parent / "fixtures" / "bad"
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_non_root = pytest.mark.skipif(AS_ROOT, reason="root reads files whatever their mode")

VI = (
    "Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ 56 khai mạc tại Jakarta\n\n"
    "Đoàn Việt Nam do Bộ trưởng Bùi Thanh Sơn dẫn đầu dự hội nghị và các cuộc gặp song phương.\n"
)
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Encode as Windows does: precomposed where cp1258 has the letter, else base + tone mark."""
    out = []
    for char in text:
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            tone = "".join(c for c in parts if c in TONES)
            out.append(base.encode("cp1258") + tone.encode("cp1258"))
    return b"".join(out)


def refusal(data: bytes, **kwargs) -> str:
    with pytest.raises(ImportFailure) as excinfo:
        decode_input(data, **kwargs)
    return str(excinfo.value)


# -- decoding -------------------------------------------------------------------------------

ACCEPTED = [
    ("utf-8", VI.encode()),
    ("utf-8 with BOM", codecs.BOM_UTF8 + VI.encode()),
    ("utf-16 LE with BOM", codecs.BOM_UTF16_LE + VI.encode("utf-16-le")),
    ("utf-16 BE with BOM", codecs.BOM_UTF16_BE + VI.encode("utf-16-be")),
    ("utf-32 LE with BOM", codecs.BOM_UTF32_LE + VI.encode("utf-32-le")),
    ("utf-32 BE with BOM", codecs.BOM_UTF32_BE + VI.encode("utf-32-be")),
]


@pytest.mark.parametrize(("name", "data"), ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_text_decodes_and_vietnamese_round_trips(name, data):
    assert decode_input(data) == VI


MENTIONS = [
    ("a < b", f"Tỷ lệ a < b trong năm nay.\n{VI}"),
    ("guillemets", f"<<Hiệp định>> được ký năm 2023.\n{VI}"),
    ("one tag-like line", f"<Tuyên bố chung> của các bên:\n{VI}"),
    ("a few tags", f"{VI}Nguồn: <b>TTXVN</b>\n"),
    ("xml in the middle", f"{VI}Tệp <?xml nằm ở giữa văn bản.\n"),
]


@pytest.mark.parametrize(("name", "text"), MENTIONS, ids=[c[0] for c in MENTIONS])
def test_article_mentioning_angle_brackets_is_not_html(name, text):
    assert decode_input(text.encode()) == text


HTML_FRAGMENT = """<div class="article">
<h1>Hội nghị ASEAN</h1>
<p>Đoạn một.</p>
<p>Đoạn hai.</p>
<script>track()</script>
</div>"""
MINIFIED = '<div class="a"><p>Một.</p><p>Hai.</p><span>Ba</span><a href="/x">Bốn</a></div>'

REFUSED = [
    ("empty", b"", "empty file"),
    ("whitespace", b"  \n\n \t\r\n", "empty file (only whitespace)"),
    ("utf-16 whitespace", codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), "only whitespace"),
    ("only a BOM", codecs.BOM_UTF8, "empty file (only a byte-order mark)"),
    ("NUL at 0", b"\x00" + VI.encode(), "binary file, not text: NUL byte at offset 0"),
    ("NUL at 9000", b"a" * 9000 + b"\x00" + VI.encode(), "NUL byte at offset 9000"),
    ("NUL near the end", VI.encode() * 500 + b"\x00\n", f"offset {len(VI.encode()) * 500}"),
    ("NUL after BOM", codecs.BOM_UTF8 + b"abc\x00", "NUL byte at offset 6"),
    ("a few NULs", b"ab\x00c\x00d\x00", "binary file, not text: NUL byte at offset 2"),
    (
        "NUL in UTF-16",
        codecs.BOM_UTF16_LE + "ab\x00c".encode("utf-16-le"),
        "binary file, not text: NUL character at offset 6",
    ),
    (
        "NUL in UTF-32",
        codecs.BOM_UTF32_BE + "abc\x00".encode("utf-32-be"),
        "NUL character at offset 16",
    ),
    (
        "utf-16 LE without BOM",
        VI.encode("utf-16-le"),
        "looks like UTF-16 without a byte-order mark",
    ),
    (
        "utf-16 BE without BOM",
        VI.encode("utf-16-be"),
        "looks like UTF-16 without a byte-order mark",
    ),
    ("odd-length UTF-16", codecs.BOM_UTF16_LE + b"a\x00b", "not valid UTF-16 text despite its"),
    (
        "cp1258 Vietnamese",
        cp1258(VI),
        "not UTF-8 text (invalid byte 0xf4 at offset 1): looks like Windows-1258 "
        "(Vietnamese legacy encoding); save it as UTF-8",
    ),
    (
        "latin-1",
        "Thông cáo báo chí ASEAN".encode("latin-1"),
        "not UTF-8 text (invalid byte 0xf4 at offset 2): looks like Latin-1 / Windows-1252",
    ),
    ("italian latin-1", "città, più, così, però".encode("latin-1"), "looks like Latin-1"),
    ("cp1252", "Réunion à Jakarta, café crème.".encode("cp1252"), "save it as UTF-8"),
    ("damaged utf-8", VI.encode() + b"\xff" + VI.encode(), "mostly UTF-8 but with 1 invalid"),
    ("PNG", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file (PNG image)"),
    ("PDF", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (PDF document), not text"),
    ("ZIP", b"PK\x03\x04\x14\x00\x06\x00", "binary file (ZIP archive, or a Word .docx"),
    ("JPEG", b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary file (JPEG image), not text"),
    ("old .doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, "old Microsoft Office"),
    ("WebP", b"RIFF\x24\x00\x00\x00WEBPVP8 ", "binary file (WebP image), not text"),
    ("control characters", bytes(range(1, 32)) * 20, "binary file, not text: 84% of its"),
    ("doctype", b"<!DOCTYPE html>\n<html><body>" + VI.encode(), HTML_MESSAGE),
    ("html tag", b"\n  <html lang='vi'>\n<head>", HTML_MESSAGE),
    ("html after BOM", codecs.BOM_UTF8 + b"<HTML>", HTML_MESSAGE),
    ("xhtml", b'<?xml version="1.0"?>\n<html>', HTML_MESSAGE),
    ("saved page", b"<!-- saved from url=(0022)https://baoquocte.vn/ -->\n<html>", HTML_MESSAGE),
    ("body", b"<body>\n" + VI.encode(), HTML_MESSAGE),
    ("tag-heavy fragment", HTML_FRAGMENT.encode(), HTML_MESSAGE),
    ("minified fragment", MINIFIED.encode(), HTML_MESSAGE),
    ("html in UTF-16", codecs.BOM_UTF16_LE + "<!doctype html>".encode("utf-16-le"), HTML_MESSAGE),
]


@pytest.mark.parametrize(("name", "data", "message"), REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_with_a_one_line_reason(name, data, message):
    reason = refusal(data)
    assert message in reason
    assert "\n" not in reason


def test_cp1258_helper_round_trips():
    assert unicodedata.normalize("NFC", cp1258(VI).decode("cp1258")) == VI


@pytest.mark.parametrize("path", sorted(BAD.iterdir()), ids=lambda p: p.name)
def test_shipped_bad_fixtures_decode_or_are_refused_cleanly(path):
    try:
        text = decode_input(path.read_bytes())
    except ImportFailure as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert "\x00" not in text


SHIPPED = [
    ("binary.bin", "binary file (PNG image), not text"),
    ("cp1258.txt", "looks like Windows-1258 (Vietnamese legacy encoding)"),
    ("empty.txt", "empty file"),
    ("latin1.txt", "not UTF-8 text (invalid byte 0xf4 at offset 2): looks like Latin-1"),
    ("nul_after_8k.txt", "binary file, not text: NUL byte at offset 13376"),
    ("page.html", HTML_MESSAGE),
    ("utf16_no_bom.txt", "looks like UTF-16 without a byte-order mark"),
    ("whitespace.txt", "empty file (only whitespace)"),
]


@pytest.mark.parametrize(("name", "message"), SHIPPED)
def test_shipped_bad_fixture_is_named(name, message):
    assert message in refusal((BAD / name).read_bytes())


SIZES = [
    (900, 10 * decode.MB, None),
    (10 * decode.MB, 10 * decode.MB, None),
    (int(12.3 * decode.MB), 10 * decode.MB, "file too large: 12.3 MB (the limit is 10 MB; "),
    (10 * decode.MB + 1, 10 * decode.MB, "10,485,761 bytes (the limit is 10,485,760 bytes;"),
    (2048, 1000, "file too large: 2 KB (the limit is 1000 bytes; raise it with --max-size)"),
]


@pytest.mark.parametrize(("size", "limit", "message"), SIZES)
def test_size_cap(size, limit, message):
    data = b"a" * size
    if message is None:
        assert decode_input(data, max_bytes=limit) == "a" * size
    else:
        assert message in refusal(data, max_bytes=limit)


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0 bytes"), (1023, "1023 bytes"), (1536, "1.5 KB"), (10 * decode.MB, "10 MB")],
)
def test_format_size(size, shown):
    assert format_size(size) == shown


def test_size_is_checked_before_decoding():
    assert "file too large" in refusal(b"\x00" * 2000, max_bytes=1000)


# Big inputs: every check must be linear (and in C); these would take minutes otherwise.
BIG = VI.encode() * (20 * decode.MB // len(VI.encode()))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("valid", BIG, None),
        ("NUL at the end", BIG + b"\x00", f"NUL byte at offset {len(BIG)}"),
        ("invalid byte at the end", BIG + b"\xe0", "mostly UTF-8"),
        ("utf-16", codecs.BOM_UTF16_LE + BIG.decode().encode("utf-16-le"), None),
        ("tag-like lines", b"<p>\n" * (5 * decode.MB), HTML_MESSAGE),
    ],
)
def test_big_inputs_are_decided(name, data, message):
    if message is None:
        assert len(decode_input(data)) == len(BIG.decode())
    else:
        assert message in refusal(data)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!doctype html>", True),
        ("   \n<HEAD>", True),
        ("<p>Một</p>\n<p>Hai</p>\n<p>Ba</p>", True),
        ("Văn bản dài.\n" * 50 + "<p>a</p><p>b</p><p>c</p>", False),  # tags, but few lines
        ("<Hiệp định> <Tuyên bố> <Kế hoạch> <Chương trình> <Đề án>", False),  # not HTML names
        ("a < b và c > d", False),
    ],
)
def test_looks_like_html(text, expected):
    assert looks_like_html(text) is expected


# -- walking paths --------------------------------------------------------------------------


class FakeOs:
    """The os module as paths.py sees it, with some functions replaced (the real one untouched)."""

    def __init__(self, **replaced):
        self.__dict__.update(replaced)

    def __getattr__(self, name):
        return getattr(os, name)


def walk(*names) -> list[InputFile]:
    return list(iter_inputs(map(str, names)))


def touch(path, data=b"x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_missing_path_is_an_error_and_the_walk_goes_on(tmp_path):
    good = touch(tmp_path / "good.txt")
    assert walk(tmp_path / "missing.txt", good) == [
        InputFile(str(tmp_path / "missing.txt"), "no such file or directory"),
        InputFile(str(good)),
    ]


def test_path_through_a_file_is_not_a_directory(tmp_path):
    touch(tmp_path / "a.txt")
    assert walk(tmp_path / "a.txt" / "b.txt")[0].error == "not a directory"


def test_directory_is_walked_in_sorted_order_without_hidden_names(tmp_path):
    for name in ["b.txt", "a/z.txt", "a/b/c.txt", "a.txt", ".hidden.txt", ".git/config"]:
        touch(tmp_path / name)
    touch(tmp_path / "a" / ".swap")
    expected = ["a/b/c.txt", "a/z.txt", "a.txt", "b.txt"]
    assert walk(tmp_path) == [InputFile(str(tmp_path / name)) for name in expected]


def test_hidden_path_named_on_the_command_line_is_taken(tmp_path):
    hidden = touch(tmp_path / ".draft" / "a.txt")
    assert walk(hidden.parent) == [InputFile(str(hidden))]


def test_empty_directory_yields_nothing(tmp_path):
    assert walk(tmp_path) == []


@needs_non_root
def test_unreadable_directory_is_an_error_and_the_walk_goes_on(tmp_path):
    locked = tmp_path / "b_locked"
    touch(locked / "x.txt")
    after = touch(tmp_path / "c.txt")
    locked.chmod(0)
    try:
        assert walk(tmp_path) == [
            InputFile(str(locked), "permission denied"),
            InputFile(str(after)),
        ]
    finally:
        locked.chmod(0o755)


def test_unreadable_directory_faked(tmp_path, monkeypatch):
    locked = tmp_path / "b_locked"
    touch(locked / "x.txt")
    after = touch(tmp_path / "c.txt")
    real_scandir = os.scandir

    def scandir(path):
        if os.fspath(path) == str(locked):
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(paths, "os", FakeOs(scandir=scandir))
    assert walk(tmp_path) == [InputFile(str(locked), "permission denied"), InputFile(str(after))]


@needs_non_root
def test_unreadable_file_is_an_error(tmp_path):
    locked = touch(tmp_path / "a.txt")
    locked.chmod(0)
    assert walk(tmp_path) == [InputFile(str(locked), "permission denied")]
    with pytest.raises(ImportFailure, match=r"^permission denied$"):
        read_input(str(locked))


def test_unreadable_file_faked(tmp_path, monkeypatch):
    locked = touch(tmp_path / "a.txt")
    monkeypatch.setattr(paths, "os", FakeOs(access=lambda path, mode: False))
    assert walk(tmp_path) == [InputFile(str(locked), "permission denied")]


def test_symlink_to_a_file_is_the_file(tmp_path):
    target = touch(tmp_path / "real" / "a.txt", b"abc")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert walk(link) == [InputFile(str(link))]
    assert read_input(InputFile(str(link))) == b"abc"


def test_symlink_loop_is_an_error_not_a_missing_file(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    good = touch(tmp_path / "c.txt")
    assert walk(tmp_path) == [
        InputFile(str(tmp_path / "a"), "symbolic link loop"),
        InputFile(str(tmp_path / "b"), "symbolic link loop"),
        InputFile(str(good)),
    ]
    assert walk(tmp_path / "a" / "x.txt")[0].error == "symbolic link loop"


def test_directory_link_to_an_ancestor_is_a_loop(tmp_path):
    top = tmp_path / "top"
    inner = touch(top / "sub" / "a.txt")
    (top / "sub" / "up").symlink_to(top)
    assert walk(top) == [
        InputFile(str(inner)),
        InputFile(str(top / "sub" / "up"), f"symbolic link loop (leads back to {top})"),
    ]


def test_broken_symlink_says_where_it_points(tmp_path):
    (tmp_path / "link.txt").symlink_to("gone.txt")
    assert walk(tmp_path / "link.txt") == [
        InputFile(str(tmp_path / "link.txt"), "broken symbolic link (points to gone.txt)")
    ]


def test_same_file_through_two_links_is_yielded_once(tmp_path):
    target = touch(tmp_path / "a.txt")
    (tmp_path / "b.txt").symlink_to(target)
    (tmp_path / "c.txt").symlink_to(target)
    assert walk(tmp_path, target, tmp_path / "c.txt") == [InputFile(str(target))]


def test_directory_named_twice_or_linked_is_walked_once(tmp_path):
    inner = touch(tmp_path / "d" / "a.txt")
    (tmp_path / "e").symlink_to(tmp_path / "d")
    assert walk(tmp_path / "d", tmp_path, inner) == [InputFile(str(inner))]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipe_is_not_opened(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert walk(tmp_path) == [InputFile(str(fifo), "not a regular file (named pipe)")]
    with pytest.raises(ImportFailure, match=r"^not a regular file \(named pipe\)$"):
        read_input(str(fifo))  # does not block: opened non-blocking, refused before reading


def test_character_device_is_not_a_regular_file():
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null")
    assert walk("/dev/null") == [InputFile("/dev/null", "not a regular file (character device)")]


# -- reading ----------------------------------------------------------------------------------


def test_read_input_returns_the_bytes(tmp_path):
    path = touch(tmp_path / "a.txt", VI.encode())
    assert read_input(InputFile(str(path)), max_bytes=10_000) == VI.encode()
    assert read_input(str(path)) == VI.encode()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.txt", "no such file or directory"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: InputFile(str(tmp), "symbolic link loop"), "symbolic link loop"),
    ],
)
def test_read_input_refuses_with_a_clean_message(tmp_path, make, message):
    item = make(tmp_path)
    with pytest.raises(ImportFailure) as excinfo:
        read_input(item if isinstance(item, InputFile) else str(item))
    assert str(excinfo.value) == message


def test_read_input_permission_denied_faked(tmp_path, monkeypatch):
    path = touch(tmp_path / "a.txt")

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(paths, "os", FakeOs(open=refuse))
    with pytest.raises(ImportFailure, match=r"^permission denied$"):
        read_input(str(path))


def test_read_input_io_error_faked(tmp_path, monkeypatch):
    path = touch(tmp_path / "a.txt")

    def fail(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(paths, "os", FakeOs(fstat=fail))
    with pytest.raises(ImportFailure, match=r"^input/output error$"):
        read_input(str(path))


def test_read_input_refuses_a_big_file_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    with path.open("wb") as file:
        file.truncate(12 * decode.MB)  # sparse: costs no disk
    with pytest.raises(ImportFailure, match=r"^file too large: 12 MB \(the limit is 10 MB; "):
        read_input(str(path), max_bytes=10 * decode.MB)


def test_read_input_stops_after_the_limit_when_the_size_lies():
    status = "/proc/self/status"  # its size says 0; its content is longer
    if not os.path.exists(status) or os.stat(status).st_size:
        pytest.skip("no /proc with size-less files here")
    with pytest.raises(ImportFailure, match=r"^file too large: more than 10 bytes \(the limit"):
        read_input(status, max_bytes=10)

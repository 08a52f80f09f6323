"""The importer's reasons and warnings (one line of English, the command's words) told to an
editor in the interface's language: the gist translated, the exact words kept beside it."""

from django.utils.translation import gettext_lazy as _

# The start of the importer's message -> what an editor reads.
GISTS = [
    ("empty file", _("Tệp rỗng")),
    ("file too large", _("Tệp quá lớn")),
    ("binary file", _("Tệp nhị phân, không phải văn bản")),
    ("not UTF-8", _("Không phải văn bản UTF-8: hãy lưu lại tệp với mã UTF-8")),
    ("not valid", _("Không phải văn bản UTF-8 hợp lệ")),
    ("HTML page source", _("Mã nguồn trang HTML, không phải văn bản bài báo")),
    ("not an article", _("Không phải một bài báo")),
    ("no publication date found", _("Không tìm thấy ngày đăng")),
    ("outlet not recognised", _("Không nhận ra cơ quan báo chí")),
    ("another version of this article", _("Một phiên bản khác của bài này đã có trong kho")),
    ("database error", _("Lỗi cơ sở dữ liệu")),
    ("cannot unzip", _("Không giải nén được")),
    ("could not be saved", _("Không lưu được")),
    ("unexpected error", _("Lỗi không lường trước")),
]


def gist(reason: str) -> str:
    """Return the editor's words for one of the importer's reasons ("" when unknown)."""
    for start, words in GISTS:
        if reason.startswith(start):
            return str(words)
    return ""


def explain(reason: str) -> dict:
    """Return {"gist", "detail"}: the translated gist and the importer's exact words."""
    return {"gist": gist(reason), "detail": reason}

# ruff: noqa: E501 - a table of whole sentences reads better unwrapped
"""Fill locale/en/LC_MESSAGES/django.po from the table below (Vietnamese msgid → English).

Run after `manage.py makemessages -l en`, then `manage.py compilemessages`: see README.
"""

import ast
import re
import sys
from pathlib import Path

PO = Path(__file__).parent / "en" / "LC_MESSAGES" / "django.po"

EN = {
    "bằng chứng": "evidence",
    "bằng chứng gắn thẻ": "tagging evidence",
    "Vì sao bộ gắn thẻ đề xuất thẻ này: từ khớp, câu chứa nó, vị trí trong bài.": "Why the tagger proposed this tag: the words that matched, their sentence, where it stands.",
    "thân bài": "body",
    "chú thích ảnh": "photo caption",
    "gắn tay, không có bằng chứng của bộ gắn thẻ": "set by hand, no tagger evidence",
    "hội nghị": "meeting",
    "Hội nghị": "Meetings",
    "chủ đề": "theme",
    "Chủ đề": "Themes",
    "năm": "year",
    "Năm": "Year",
    "chuỗi hội nghị": "meeting series",
    "Tìm trong tiêu đề, sapo, nội dung; gõ không dấu cũng được.": "Search title, lead and body; diacritics optional.",
    "Nội dung": "Content",
    "Gắn thẻ": "Tagging",
    "Nguồn nhập": "Import source",
    "ngày đăng": "published on",
    "Bạn không có quyền đăng bài.": "You do not have permission to publish articles.",
    "Đăng các bài đã chọn": "Publish selected articles",
    "Đã đăng %(n)d bài.": "Published %(n)d article(s).",
    "Trả về bản nháp": "Send back to draft",
    "Đã chuyển %(n)d bài về bản nháp.": "Sent %(n)d article(s) back to draft.",
    "Chạy lại bộ gắn thẻ (chỉ thêm thẻ)": "Re-run the tagger (adds tags only)",
    "Đã gắn thêm %(m)d hội nghị và %(t)d chủ đề.": "Added %(m)d meeting and %(t)d theme tag(s).",
    "Không tạo được slug từ tên này; hãy nhập slug.": "No slug can be made from this name; enter one.",
    "Gộp các thẻ đã chọn thành một": "Merge the selected tags into one",
    "Chọn ít nhất hai thẻ để gộp.": "Select at least two tags to merge.",
    "Thẻ đích không hợp lệ.": "Invalid target tag.",
    "Đã gộp %(n)d thẻ vào “%(target)s” (%(moved)d bài được chuyển).": "Merged %(n)d tag(s) into “%(target)s” (%(moved)d article(s) moved).",
    "Gộp thẻ": "Merge tags",
    "mã": "code",
    "số bài": "articles",
    "Lưu trữ bài viết": "Article archive",
    "ASEAN Archive — bài viết mới": "ASEAN Archive — latest articles",
    "Bài viết mới nhất về ngoại giao ASEAN.": "The latest articles on ASEAN diplomacy.",
    "Bài viết mới nhất về %(name)s.": "The latest articles on %(name)s.",
    "Từ khóa": "Keywords",
    "Gõ không dấu để tìm cả có dấu lẫn không dấu; gõ có dấu để tìm đúng dấu. Đặt cụm từ trong ngoặc kép.": "Typed without diacritics, words match with or without them; typed with diacritics, they match exactly. Put a phrase in double quotes.",
    "Slug của hội nghị; lặp lại để yêu cầu tất cả.": "Meeting slug; repeat to require all.",
    "Slug của chủ đề; lặp lại để yêu cầu tất cả.": "Theme slug; repeat to require all.",
    "Loại hội nghị": "Meeting series",
    "Cơ quan báo chí": "Outlets",
    "cơ quan báo chí": "outlet",
    "Từ ngày": "From",
    "Đến ngày": "To",
    "Sắp xếp": "Ordering",
    "“Từ ngày” phải trước hoặc bằng “Đến ngày”.": "“From” must be on or before “To”.",
    "Hội nghị Quan chức Cao cấp ASEAN (SOM)": "ASEAN Senior Officials' Meeting (SOM)",
    "Hội nghị Bộ trưởng Ngoại giao ASEAN (AMM)": "ASEAN Foreign Ministers' Meeting (AMM)",
    "Hội nghị Cấp cao ASEAN": "ASEAN Summit",
    "Diễn đàn khu vực ASEAN (ARF)": "ASEAN Regional Forum (ARF)",
    "Hội nghị Cấp cao Đông Á (EAS)": "East Asia Summit (EAS)",
    "ASEAN+3": "ASEAN Plus Three",
    "Hội đồng Cộng đồng Chính trị-An ninh ASEAN (APSC)": "ASEAN Political-Security Community Council (APSC)",
    "Đối thoại ASEAN–đối tác": "ASEAN–partner dialogues",
    "lần thứ": "number",
    "đối tác": "partner",
    "ngày bắt đầu": "start date",
    "ngày kết thúc": "end date",
    "địa điểm": "place",
    "tên tiếng Anh": "English name",
    "tên": "name",
    "tên miền": "domain",
    "Bản nháp": "Draft",
    "Chờ duyệt": "In review",
    "Đã đăng": "Published",
    "tiêu đề": "title",
    "sapo": "lead",
    "nội dung": "body",
    "tác giả": "author",
    "đường dẫn gốc": "source URL",
    "trạng thái": "status",
    "bài viết": "article",
    "Bài đã đăng phải có ngày đăng. / A published article needs a date.": "A published article needs a date.",
    "Thứ Hai": "Monday",
    "Thứ Ba": "Tuesday",
    "Thứ Tư": "Wednesday",
    "Thứ Năm": "Thursday",
    "Thứ Sáu": "Friday",
    "Thứ Bảy": "Saturday",
    "Chủ Nhật": "Sunday",
    "Không có bài viết này.": "No such article.",
    "Chưa có bài viết nào được đăng.": "No articles have been published yet.",
    "Không có giai đoạn này.": "No such period.",
    "Không tìm thấy trang": "Page not found",
    "Trang này không có hoặc chưa được đăng. Hãy thử tìm kiếm hoặc quay về trang chủ.": "This page does not exist or has not been published. Try searching, or go back to the home page.",
    "Về trang chủ": "Back to the home page",
    "Lưu trữ": "Archive",
    "Lưu trữ theo năm và tháng": "Archive by year and month",
    "%(n)s bài": ("%(n)s article", "%(n)s articles"),
    "%(n)s bài viết": ("%(n)s article", "%(n)s articles"),
    "%(n)s kết quả": ("%(n)s result", "%(n)s results"),
    "Tháng %(month)s": "Month %(month)s",
    "Tháng %(month)s/%(year)s": "%(month)s/%(year)s",
    "Năm %(year)s": "Year %(year)s",
    "Bản xem trước cho biên tập viên — trạng thái: %(status)s. Độc giả không thấy bài này.": "Editor preview — status: %(status)s. Readers cannot see this article.",
    "Phóng viên:": "Interviewer:",
    "Ảnh trong bài": "Photos in this article",
    "Ảnh": "Photo",
    "Nguồn": "Source",
    "Bài liên quan": "Related articles",
    "Tin bài về ngoại giao ASEAN": "News on ASEAN diplomacy",
    "Bài viết từ các hội nghị SOM, AMM, Cấp cao, ARF, EAS, ASEAN+3 và các cuộc đối thoại với đối tác, được làm sạch và gắn thẻ theo hội nghị, chủ đề.": "Vietnamese reporting from SOM, AMM, Summit, ARF, EAS and ASEAN+3 meetings and the dialogues with partners, cleaned and tagged by meeting and theme. Articles are in Vietnamese.",
    "Bài mới nhất": "Latest articles",
    "Xem toàn bộ lưu trữ": "Browse the whole archive",
    "Hội nghị được đưa tin nhiều nhất": "Most covered meetings",
    "Chưa có.": "None yet.",
    "Tất cả hội nghị": "All meetings",
    "Chưa có bài viết nào.": "No articles.",
    "Phân trang": "Pagination",
    "Trang trước": "Previous",
    "Trang sau": "Next",
    "Thẻ": "Tags",
    "Mã": "Code",
    "Lần thứ": "Number",
    "Đối tác": "Partner",
    "Thời gian": "Dates",
    "Địa điểm": "Place",
    "Bài viết": "Articles",
    "Tìm trong hội nghị này": "Search this meeting",
    "Các hội nghị có bài viết trong kho, theo chuỗi hội nghị và năm.": "The meetings covered in the archive, by series and year.",
    "Chuỗi hội nghị": "Meeting series",
    "Chưa có hội nghị nào có bài viết.": "No meeting has articles yet.",
    "“%(query)s” — Tìm kiếm": "“%(query)s” — Search",
    "Tìm kiếm": "Search",
    "Kết quả cho “%(query)s”": "Results for “%(query)s”",
    "Lọc kết quả": "Filter results",
    "Gõ không dấu để tìm cả có dấu lẫn không dấu (bien dong → Biển Đông); gõ có dấu để tìm đúng dấu. Đặt cụm từ trong ngoặc kép.": "Typed without diacritics, words match with or without them (bien dong → Biển Đông); typed with diacritics, they match exactly. Put a phrase in double quotes.",
    "Tất cả": "All",
    "Lọc": "Filter",
    "Xóa bộ lọc": "Clear filters",
    "Không thể lọc với các giá trị này:": "These values cannot be used to filter:",
    "Nhập từ khóa hoặc chọn một bộ lọc để tìm bài viết.": "Type keywords or choose a filter to find articles.",
    "Tìm trong chủ đề này": "Search this theme",
    "Chưa có chủ đề nào có bài viết.": "No theme has articles yet.",
    "Kho lưu trữ tin bài tiếng Việt về ngoại giao ASEAN: hội nghị, chủ đề, cơ quan báo chí.": "An archive of Vietnamese reporting on ASEAN diplomacy: meetings, themes, outlets.",
    "Chuyển đến nội dung chính": "Skip to main content",
    "Điều hướng chính": "Main navigation",
    "Báo": "Outlets",
    "Ngôn ngữ": "Language",
    "Tìm bài viết": "Search articles",
    "vd: bien dong, “Tầm nhìn sau 2025”": "e.g. bien dong, “Tầm nhìn sau 2025”",
    "Tìm": "Search",
    "Hủy": "Cancel",
    "Lọc theo hội nghị, chủ đề, báo, ngày": "Filter by meeting, theme, outlet, date",
    "Bài viết đã thay đổi từ khi bạn đọc nó (If-Match không khớp ETag). Hãy đọc lại bài.": "The article has changed since you read it (If-Match does not match its ETag). Read it again.",
    "Không có trường: %(unknown)s. Các trường có: %(available)s.": "No such field: %(unknown)s. Available fields: %(available)s.",
    "Chỉ người có quyền đăng bài mới được đổi trạng thái bài viết.": "Only users who may publish can change an article's status.",
    "Chọn thẻ giữ lại; các thẻ khác được gộp vào nó và bị xóa. Bài viết mang thẻ bị gộp sẽ mang thẻ giữ lại.": "Choose the tag to keep; the others are merged into it and deleted. Their articles get the kept tag.",
    "slug": "slug",
    "Hơn %(n)s kết quả — thêm từ khóa hoặc bộ lọc để thu hẹp": "More than %(n)s results — add words or filters to narrow them",
    "số bài đã đăng": "published articles",
    "tháng lưu trữ": "archive month",
    "tháng": "month",
    "“%(name)s” đã có (khác chữ hoa/thường). / Already exists.": "“%(name)s” already exists (differing only in case).",
    "54 cho AMM-54; để trống với hội nghị không đánh số như SOM.": "54 for AMM-54; empty for unnumbered meetings such as SOM.",
    "Với đối thoại ASEAN–đối tác: tên đối tác, ví dụ “Mỹ”.": "For ASEAN–partner dialogues: the partner’s name, e.g. “Mỹ”.",
    "từ khóa nhận diện": "recognition keywords",
    "Mỗi dòng một cách viết mà bộ gắn thẻ tìm trong bài (ví dụ “COC”, “Biển Đông”). Viết hoa toàn bộ = phân biệt hoa/thường.": "One spelling per line that the tagger looks for (e.g. “COC”, “Biển Đông”). All capitals = case-sensitive.",
    "Để trống để tạo từ tiêu đề (không dấu, “đ” thành “d”).": "Leave empty to make it from the title (no diacritics, “đ” becomes “d”).",
    "Đoạn tóm tắt đầu bài.": "The summary paragraph at the top.",
    "Các đoạn cách nhau một dòng trống. Câu hỏi phỏng vấn bắt đầu bằng “PV: ”.": "Paragraphs separated by a blank line. Interview questions start with “PV: ”.",
    "tạo lúc": "created at",
    "cập nhật lúc": "updated at",
    "văn bản gốc": "raw text",
    "tệp nhập": "import file",
    "mã băm nội dung": "content hash",
    "Có thể đăng bài / Can publish articles": "Can publish articles",
    "Đã có bài viết với đường dẫn gốc này. / An article with this source URL already exists.": "An article with this source URL already exists.",
    "slug cũ": "old slug",
    "địa chỉ cũ": "old address",
    "thứ tự": "position",
    "chú thích": "caption",
    "nguồn ảnh": "photo credit",
    "ảnh": "photo",
    "ASEAN Archive — tin bài về ngoại giao ASEAN, giữ nguyên văn từ các cơ quan báo chí Việt Nam.": "ASEAN Archive — reporting on ASEAN diplomacy, kept as published by Vietnamese outlets.",
    # The audit log (audit/).
    "Nhật ký hoạt động": "Activity log",
    "mục nhật ký hoạt động": "activity log entry",
    "nhật ký hoạt động": "activity log",
    "thời điểm": "time",
    "người thực hiện": "actor",
    "tên người thực hiện": "actor's name",
    "Tên đăng nhập lúc đó; để trống khi hệ thống hoặc lệnh tự làm.": "The username at the time; empty when the system or a command acted.",
    "hành động": "action",
    "loại đối tượng": "target type",
    "mã đối tượng": "target ID",
    "đối tượng": "target",
    "kênh": "via",
    "Nơi thao tác: admin, api, command, import, system, site.": "Where it was done: admin, api, command, import, system, site.",
    "chi tiết": "detail",
    "địa chỉ IP": "IP address",
    "tạo": "create",
    "sửa": "change",
    "xoá": "delete",
    "đăng bài": "publish",
    "gỡ bài": "unpublish",
    "đổi trạng thái": "change status",
    "chuyển vào thùng rác": "move to trash",
    "khôi phục": "restore",
    "xoá vĩnh viễn": "delete for ever",
    "quay về phiên bản cũ": "revert to an earlier version",
    "gắn lại thẻ": "re-tag",
    "gộp": "merge",
    "lượt nhập": "import run",
    "bài được nhập": "article imported",
    "đăng nhập": "log in",
    "đăng nhập thất bại": "failed login",
    "đăng xuất": "log out",
    "đổi quyền": "change permissions",
}


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(po_text):
    """Return ``po_text`` with every msgstr of the table filled in."""
    blocks = po_text.split("\n\n")
    out = []
    for block in blocks:
        lines = block.split("\n")
        entry, key = {}, None
        for line in lines:
            match = re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d\])?) (\".*\")$", line)
            if match:
                key = match.group(1)
                entry[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
        msgid = entry.get("msgid")
        if not msgid or msgid not in EN:
            out.append(block)
            continue
        english = EN[msgid]
        # A guess of makemessages ("#, fuzzy" and the old msgid "#|") gives way to the table.
        head = [
            line
            for line in lines
            if line.startswith("#") and line != "#, fuzzy" and not line.startswith("#|")
        ]
        head.append(f"msgid {quote(msgid)}")
        if "msgid_plural" in entry:
            singular, plural = english if isinstance(english, tuple) else (english, english)
            head += [
                f"msgid_plural {quote(entry['msgid_plural'])}",
                f"msgstr[0] {quote(singular)}",
                f"msgstr[1] {quote(plural)}",
            ]
        else:
            head.append(f"msgstr {quote(english)}")
        out.append("\n".join(head))
    return "\n\n".join(out)


if __name__ == "__main__":
    text = PO.read_text(encoding="utf-8")
    text = text.replace('"Language: \\n"', '"Language: en\\n"')
    text = text.replace("#, fuzzy\n", "", 1)
    PO.write_text(fill(text), encoding="utf-8")
    missing = [m for m in re.findall(r'^msgid "(.+)"\nmsgstr ""$', PO.read_text(), re.M)]
    print(f"{PO}: {len(missing)} message(s) left untranslated", file=sys.stderr)

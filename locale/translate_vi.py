# ruff: noqa: E501 - a table of whole sentences reads better unwrapped
"""Write locale/vi/LC_MESSAGES/django.po and djangojs.po: the Vietnamese of Django's and the
libraries' own strings that their catalogues lack (the admin's, DRF's errors of the API) (or translate badly, "History" as "Bản
ghi nhớ"), so that the admin is entirely Vietnamese. The project's own strings are written
in Vietnamese and need no catalogue. After a Django upgrade, tests/test_admin_vietnamese.py
names any admin string still shown in English: add it here, run this, then
`manage.py compilemessages -l vi`.
"""

import json
from pathlib import Path

HERE = Path(__file__).parent / "vi" / "LC_MESSAGES"

# msgid → msgstr; a (singular, plural) msgid → one msgstr (Vietnamese has one form); a
# message with a context is written "context\x04msgid", as gettext keys it.
DJANGO = {
    # django.contrib.admin
    "Select this object for an action - {}": "Chọn mục này cho một thao tác - {}",
    'The app "%s" could not be found.': "Không tìm thấy ứng dụng “%s”.",
    ", ": ", ",
    ("…and %(count)d more object.", "…and %(count)d more objects."): "…và %(count)d mục khác.",
    "Run": "Thực hiện",
    "Breadcrumbs": "Đường dẫn",
    "Model name": "Tên mô hình",
    "Add link": "Liên kết thêm mới",
    "Change or view list link": "Liên kết sửa hoặc xem danh sách",
    "After you’ve created a user, you’ll be able to edit more user options.": "Sau khi tạo tài khoản, bạn sẽ sửa được các tuỳ chọn khác của tài khoản.",
    "Error:": "Lỗi:",
    "Set password": "Đặt mật khẩu",
    "This action will <strong>enable</strong> password-based authentication for this user.": "Thao tác này sẽ <strong>bật</strong> đăng nhập bằng mật khẩu cho tài khoản này.",
    "Disable password-based authentication": "Tắt đăng nhập bằng mật khẩu",
    "Enable password-based authentication": "Bật đăng nhập bằng mật khẩu",
    "Skip to main content": "Đến nội dung chính",
    "Hide counts": "Ẩn số lượng",
    "Show counts": "Hiện số lượng",
    "Toggle theme (current theme: auto)": "Đổi giao diện (hiện tại: tự động)",
    "Toggle theme (current theme: light)": "Đổi giao diện (hiện tại: sáng)",
    "Toggle theme (current theme: dark)": "Đổi giao diện (hiện tại: tối)",
    "Filter by %(field_name)s": "Lọc theo %(field_name)s",
    "Deleting the %(object_name)s “%(escaped_object)s” would result in deleting related objects, but your account doesn't have permission to delete the following types of objects:": "Xoá %(object_name)s “%(escaped_object)s” sẽ xoá cả các mục liên quan, nhưng tài khoản của bạn không có quyền xoá các loại mục sau:",
    "Deleting the %(object_name)s “%(escaped_object)s” would require deleting the following protected related objects:": "Xoá %(object_name)s “%(escaped_object)s” sẽ phải xoá các mục liên quan được bảo vệ sau:",
    "Are you sure you want to delete the %(object_name)s “%(escaped_object)s”? All of the following related items will be deleted:": "Bạn có chắc muốn xoá %(object_name)s “%(escaped_object)s”? Mọi mục liên quan sau cũng sẽ bị xoá:",
    "Added:": "Đã thêm:",
    "Changed:": "Đã sửa:",
    "Deleted:": "Đã xoá:",
    "Forgotten your login credentials?": "Quên thông tin đăng nhập?",
    "Toggle navigation": "Ẩn/hiện thanh điều hướng",
    "Sidebar": "Thanh bên",
    "Filter navigation items": "Lọc các mục điều hướng",
    "Pagination %(name)s entries": "Phân trang %(name)s",
    ("entry", "entries"): "mục",
    "Pagination %(name)s": "Phân trang %(name)s",
    "Search %(name)s": "Tìm %(name)s",
    "View selected %(model)s": "Xem %(model)s đã chọn",
    "Logout": "Đăng xuất",
    "In case you’ve forgotten, you are:": "Nếu bạn quên, bạn là:",
    "Select all objects on this page for an action": "Chọn mọi mục trên trang này cho một thao tác",
    (
        "Please correct the error below.",
        "Please correct the errors below.",
    ): "Hãy sửa lỗi bên dưới.",
    "History": "Lịch sử",
    # Django REST Framework: the API's errors (DRF ships few of them in Vietnamese)
    '"{input}" is not a valid choice.': "“{input}” không phải là lựa chọn hợp lệ.",
    "A server error occurred.": "Máy chủ gặp lỗi.",
    "A valid integer is required.": "Cần một số nguyên hợp lệ.",
    "A valid number is required.": "Cần một số hợp lệ.",
    "Authentication credentials were not provided.": "Chưa cung cấp thông tin xác thực.",
    "Could not satisfy the request Accept header.": "Không đáp ứng được tiêu đề Accept của yêu cầu.",
    "Date has wrong format. Use one of these formats instead: {format}.": "Ngày sai định dạng. Hãy dùng một trong các định dạng: {format}.",
    "Datetime has wrong format. Use one of these formats instead: {format}.": "Ngày giờ sai định dạng. Hãy dùng một trong các định dạng: {format}.",
    "Ensure this field has at least {min_length} characters.": "Trường này cần ít nhất {min_length} ký tự.",
    "Ensure this field has no more than {max_length} characters.": "Trường này không được quá {max_length} ký tự.",
    "Ensure this value is greater than or equal to {min_value}.": "Giá trị phải lớn hơn hoặc bằng {min_value}.",
    "Ensure this value is less than or equal to {max_value}.": "Giá trị phải nhỏ hơn hoặc bằng {max_value}.",
    'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.': "Hãy nhập một “slug” hợp lệ gồm chữ cái không dấu, chữ số, dấu gạch dưới hoặc gạch ngang.",
    "Enter a valid URL.": "Hãy nhập một URL hợp lệ.",
    "Expected a date but got a datetime.": "Cần một ngày, không phải ngày giờ.",
    'Expected a dictionary of items but got type "{input_type}".': "Cần một đối tượng (dictionary), nhận được kiểu “{input_type}”.",
    'Expected a list of items but got type "{input_type}".': "Cần một danh sách, nhận được kiểu “{input_type}”.",
    "Expected available in {wait} second.": "Có thể gửi lại sau {wait} giây.",
    "Expected available in {wait} seconds.": "Có thể gửi lại sau {wait} giây.",
    "Incorrect authentication credentials.": "Thông tin xác thực không đúng.",
    "Incorrect type. Expected pk value, received {data_type}.": "Sai kiểu dữ liệu: cần khóa chính, nhận được {data_type}.",
    "Invalid data. Expected a dictionary, but got {datatype}.": "Dữ liệu không hợp lệ: cần một đối tượng (dictionary), nhận được {datatype}.",
    "Invalid input.": "Dữ liệu vào không hợp lệ.",
    "Invalid page.": "Trang không hợp lệ.",
    "Invalid token header. No credentials provided.": "Tiêu đề token không hợp lệ: thiếu thông tin xác thực.",
    "Invalid token header. Token string should not contain invalid characters.": "Tiêu đề token không hợp lệ: token chứa ký tự không hợp lệ.",
    "Invalid token header. Token string should not contain spaces.": "Tiêu đề token không hợp lệ: token không được chứa dấu cách.",
    "Invalid token.": "Token không hợp lệ.",
    "Invalid value.": "Giá trị không hợp lệ.",
    "Malformed request.": "Yêu cầu sai cấu trúc.",
    'Method "{method}" not allowed.': "Không cho phép phương thức “{method}”.",
    "No Article matches the given query.": "Không có bài viết này.",
    "Not a valid string.": "Không phải chuỗi ký tự hợp lệ.",
    "Not found.": "Không tìm thấy.",
    "Object with {slug_name}={value} does not exist.": "Không có mục nào với {slug_name}={value}.",
    "Request was throttled.": "Quá nhiều yêu cầu.",
    "String value too large.": "Chuỗi quá dài.",
    "This field is required.": "Trường này là bắt buộc.",
    "This field may not be blank.": "Trường này không được để trống.",
    "This field may not be null.": "Trường này không được là null.",
    "This field must be unique.": "Giá trị này đã được dùng.",
    "This list may not be empty.": "Danh sách này không được rỗng.",
    'Unsupported media type "{media_type}" in request.': "Không hỗ trợ kiểu dữ liệu “{media_type}” trong yêu cầu.",
    "User inactive or deleted.": "Tài khoản đã bị khóa hoặc xóa.",
    "Value must be valid JSON.": "Giá trị phải là JSON hợp lệ.",
    "You do not have permission to perform this action.": "Bạn không có quyền thực hiện thao tác này.",
    # django-axes (the login lockouts' admin)
    "Form Data": "Dữ liệu biểu mẫu",
    "Meta Data": "Siêu dữ liệu",
    "Account locked: too many login attempts. Please try again later.": "Tài khoản tạm bị khoá: đăng nhập sai quá nhiều lần. Hãy thử lại sau.",
    "Account locked: too many login attempts. Contact an admin to unlock your account.": "Tài khoản bị khoá: đăng nhập sai quá nhiều lần. Hãy nhờ quản trị viên mở khoá.",
    "User Agent": "Trình duyệt (User-Agent)",
    "IP Address": "Địa chỉ IP",
    "Username": "Tên đăng nhập",
    "HTTP Accept": "HTTP Accept",
    "Path": "Đường dẫn",
    "Attempt Time": "Thời điểm thử",
    "Access lock out": "Khoá đăng nhập",
    "access failure": "lần đăng nhập sai",
    "access failures": "lần đăng nhập sai",
    "GET Data": "Dữ liệu GET",
    "POST Data": "Dữ liệu POST",
    "Failed Logins": "Số lần đăng nhập sai",
    "access attempt": "lượt thử đăng nhập",
    "access attempts": "lượt thử đăng nhập",
    "access attempt expiration": "hạn của lượt thử đăng nhập",
    "access attempt expirations": "hạn của lượt thử đăng nhập",
    "Logout Time": "Thời điểm đăng xuất",
    "access log": "nhật ký đăng nhập",
    "access logs": "nhật ký đăng nhập",
    # Django REST Framework's token app and browsable API
    "Auth Token": "Khoá API",
    "Token": "Khoá API",
    "Tokens": "Khoá API",
    "Key": "Khoá",
    "Created": "Tạo lúc",
    "User": "Người dùng",
    "Extra Actions": "Thao tác khác",
    "Filters": "Bộ lọc",
    "Ordering": "Sắp xếp",
    "ascending": "tăng dần",
    "descending": "giảm dần",
    "A search term.": "Từ cần tìm.",
    "No items to select.": "Không có mục nào để chọn.",
    # django.contrib.auth
    "Conflicting form data submitted. Please try again.": "Dữ liệu gửi lên mâu thuẫn. Hãy thử lại.",
    "Password-based authentication was disabled.": "Đã tắt đăng nhập bằng mật khẩu.",
    "Set password: %s": "Đặt mật khẩu: %s",
    "Reset password": "Đặt lại mật khẩu",
    "Whether the user will be able to authenticate using a password or not. If disabled, they may still be able to authenticate using other backends, such as Single Sign-On or LDAP.": "Tài khoản có đăng nhập bằng mật khẩu được hay không. Khi tắt, có thể vẫn đăng nhập được bằng cách khác, như Single Sign-On hay LDAP.",
    "Password-based authentication": "Đăng nhập bằng mật khẩu",
    "Enabled": "Bật",
    "Disabled": "Tắt",
    "Raw passwords are not stored, so there is no way to see the user’s password.": "Mật khẩu không được lưu ở dạng gốc, nên không có cách nào xem mật khẩu của tài khoản.",
    "Enable password-based authentication for this user by setting a password.": "Đặt một mật khẩu để bật đăng nhập bằng mật khẩu cho tài khoản này.",
    (
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ): "Mật khẩu này quá ngắn: cần ít nhất %d ký tự.",
    "Enter a valid username. This value may contain only unaccented lowercase a-z and uppercase A-Z letters, numbers, and @/./+/-/_ characters.": "Hãy nhập một tên đăng nhập hợp lệ: chỉ gồm chữ a-z, A-Z không dấu, chữ số và các ký tự @/./+/-/_.",
    # django.contrib.contenttypes
    "Content type %(ct_id)s object %(obj_id)s doesn’t exist": "Không có mục %(obj_id)s thuộc loại %(ct_id)s",
    "%(ct_name)s objects don’t have a get_absolute_url() method": "Các mục %(ct_name)s không có địa chỉ trên trang (get_absolute_url())",
    # django core: forms, fields, validators, pagination, time
    "Messages": "Thông báo",
    "…": "…",
    "That page number is not an integer": "Số trang không phải là số nguyên",
    "That page number is less than 1": "Số trang nhỏ hơn 1",
    "That page contains no results": "Trang này không có kết quả",
    "Enter a valid domain name.": "Hãy nhập một tên miền hợp lệ.",
    "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.": "Hãy nhập một “slug” hợp lệ: chữ cái không dấu, chữ số, gạch dưới hoặc gạch nối.",
    "Enter a valid “slug” consisting of Unicode letters, numbers, underscores, or hyphens.": "Hãy nhập một “slug” hợp lệ: chữ cái, chữ số, gạch dưới hoặc gạch nối.",
    "Enter a valid %(protocol)s address.": "Hãy nhập một địa chỉ %(protocol)s hợp lệ.",
    "IPv4": "IPv4",
    "IPv6": "IPv6",
    "IPv4 or IPv6": "IPv4 hoặc IPv6",
    "Ensure this value is a multiple of step size %(limit_value)s.": "Giá trị phải là bội số của %(limit_value)s.",
    "Null characters are not allowed.": "Không được có ký tự NUL.",
    "Constraint “%(name)s” is violated.": "Vi phạm ràng buộc “%(name)s”.",
    "- Select an option -": "- Chọn -",
    "Duration": "Khoảng thời gian",
    "Universally unique identifier": "Mã định danh duy nhất (UUID)",
    "A JSON object": "Một đối tượng JSON",
    "%(model)s instance with %(field)s %(value)r is not a valid choice.": "Không có %(model)s nào có %(field)s %(value)r.",
    "Enter a valid duration.": "Hãy nhập một khoảng thời gian hợp lệ.",
    "Enter a complete value.": "Hãy nhập đủ giá trị.",
    "Enter a valid UUID.": "Hãy nhập một UUID hợp lệ.",
    "Enter a valid JSON.": "Hãy nhập JSON hợp lệ.",
    (
        "Please submit at most %(num)d form.",
        "Please submit at most %(num)d forms.",
    ): "Hãy gửi tối đa %(num)d mục.",
    (
        "Please submit at least %(num)d form.",
        "Please submit at least %(num)d forms.",
    ): "Hãy gửi ít nhất %(num)d mục.",
    "The inline value did not match the parent instance.": "Giá trị của mục con không khớp với mục cha.",
    "“%(pk)s” is not a valid value.": "“%(pk)s” không phải là giá trị hợp lệ.",
    "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; it may be ambiguous or it may not exist.": "Không hiểu được %(datetime)s theo múi giờ %(current_timezone)s: thời điểm này có thể không rõ ràng hoặc không tồn tại.",
    "No %s matches the given query.": "Không có %s nào khớp.",
    "This is not a valid IPv6 address.": "Đây không phải là địa chỉ IPv6 hợp lệ.",
    "%(truncated_text)s…": "%(truncated_text)s…",
    ("%(num)d year", "%(num)d years"): "%(num)d năm",
    ("%(num)d month", "%(num)d months"): "%(num)d tháng",
    ("%(num)d week", "%(num)d weeks"): "%(num)d tuần",
    ("%(num)d day", "%(num)d days"): "%(num)d ngày",
    ("%(num)d hour", "%(num)d hours"): "%(num)d giờ",
    ("%(num)d minute", "%(num)d minutes"): "%(num)d phút",
    "Forbidden": "Không được phép",
    "CSRF verification failed. Request aborted.": "Kiểm tra CSRF không đạt. Yêu cầu bị huỷ.",
    "You are seeing this message because this site requires a CSRF cookie when submitting forms. This cookie is required for security reasons, to ensure that your browser is not being hijacked by third parties.": "Bạn thấy thông báo này vì trang cần một cookie CSRF khi gửi biểu mẫu. Cookie này cần cho an toàn: nó bảo đảm trình duyệt của bạn không bị bên thứ ba lợi dụng.",
    "If you have configured your browser to disable cookies, please re-enable them, at least for this site, or for “same-origin” requests.": "Nếu trình duyệt của bạn đang tắt cookie, hãy bật lại, ít nhất cho trang này hoặc cho các yêu cầu “same-origin”.",
    "More information is available with DEBUG=True.": "Có thêm thông tin khi bật DEBUG=True.",
    "Date out of range": "Ngày nằm ngoài khoảng cho phép",
    # taggit (its Tag admin is hidden; these name its models and form field elsewhere)
    "Taggit": "Thẻ (taggit)",
    "Please provide a comma-separated list of tags.": "Hãy nhập các thẻ, cách nhau bằng dấu phẩy.",
    "Tags": "Thẻ",
    "A comma-separated list of tags.": "Các thẻ, cách nhau bằng dấu phẩy.",
    "tag": "thẻ",
    "tags": "thẻ",
    "tagged item": "mục gắn thẻ",
    "tagged items": "mục gắn thẻ",
    "content type": "loại nội dung",
    "object ID": "mã mục",
}

# django.contrib.admin's JavaScript (the tag picker, the calendar, the actions).
DJANGOJS = {
    'Choose %s by selecting them and then select the "Choose" arrow button.': "Chọn %s rồi bấm mũi tên “Chọn”.",
    "Choose all %s": "Chọn tất cả %s",
    "Choose selected %s": "Chọn các %s đã đánh dấu",
    "Remove selected %s": "Bỏ các %s đã đánh dấu",
    'Remove %s by selecting them and then select the "Remove" arrow button.': "Đánh dấu %s rồi bấm mũi tên “Bỏ” để bỏ.",
    "Type into this box to filter down the list of selected %s.": "Gõ vào ô này để lọc danh sách %s đã chọn.",
    "(click to clear)": "(bấm để xoá)",
    "Remove all %s": "Bỏ tất cả %s",
    (
        "%s selected option not visible",
        "%s selected options not visible",
    ): "%s mục đã chọn đang bị ẩn",
    "You have selected an action, and you haven’t made any changes on individual fields. You’re probably looking for the Run button rather than the Save button.": "Bạn đã chọn một thao tác và chưa sửa ô nào. Có lẽ bạn cần nút “Thực hiện” chứ không phải nút “Lưu”.",
    "server": "máy chủ",
    (
        "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour ahead.)",
        "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hours ahead.)",
    ): "Lưu ý: nhập giờ theo múi giờ %(timezone)s (bạn đang sớm hơn %(offset)s giờ).",
    (
        "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour behind.)",
        "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hours behind.)",
    ): "Lưu ý: nhập giờ theo múi giờ %(timezone)s (bạn đang muộn hơn %(offset)s giờ).",
    "Today (%(date)s)": "Hôm nay (%(date)s)",
    "Yesterday (%(date)s)": "Hôm qua (%(date)s)",
    "Tomorrow (%(date)s)": "Ngày mai (%(date)s)",
    "Previous (%(month)s %(year)s)": "Trước (%(month)s %(year)s)",
    "Next (%(month)s %(year)s)": "Sau (%(month)s %(year)s)",
    "Sunday": "Chủ nhật",
    "Monday": "Thứ hai",
    "Tuesday": "Thứ ba",
    "Wednesday": "Thứ tư",
    "Thursday": "Thứ năm",
    "Friday": "Thứ sáu",
    "Saturday": "Thứ bảy",
    "abbrev. day Sunday\x04Sun": "CN",
    "abbrev. day Monday\x04Mon": "T2",
    "abbrev. day Tuesday\x04Tue": "T3",
    "abbrev. day Wednesday\x04Wed": "T4",
    "abbrev. day Thursday\x04Thur": "T5",
    "abbrev. day Friday\x04Fri": "T6",
    "abbrev. day Saturday\x04Sat": "T7",
    "%(month)s %(day)s, %(year)s": "%(day)s %(month)s %(year)s",
    "%s (today, current selection)": "%s (hôm nay, đang chọn)",
    "%s (today)": "%s (hôm nay)",
    "%s (current selection)": "%s (đang chọn)",
}

HEADER = """# Vietnamese for Django's and the libraries' strings their own catalogues lack.
# Written by locale/translate_vi.py: edit the table there, not this file.
msgid ""
msgstr ""
"Project-Id-Version: asean-archive\\n"
"PO-Revision-Date: 2026-12-03 00:00+0700\\n"
"Last-Translator: ASEAN Archive\\n"
"Language-Team: Vietnamese\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Language: vi\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"""


def quoted(text):
    return json.dumps(text, ensure_ascii=False)


def po(table, flag):
    entries = [HEADER]
    for msgid, msgstr in table.items():
        lines = [f"#, {flag}"] if "%" in (msgid if isinstance(msgid, str) else msgid[0]) else []
        if isinstance(msgid, str) and "\x04" in msgid:
            context, msgid = msgid.split("\x04")
            lines.append(f"msgctxt {quoted(context)}")
        if isinstance(msgid, tuple):
            lines += [f"msgid {quoted(msgid[0])}", f"msgid_plural {quoted(msgid[1])}"]
            lines += [f"msgstr[0] {quoted(msgstr)}"]
        else:
            lines += [f"msgid {quoted(msgid)}", f"msgstr {quoted(msgstr)}"]
        entries.append("\n".join(lines) + "\n")
    return "\n".join(entries)


if __name__ == "__main__":
    HERE.mkdir(parents=True, exist_ok=True)
    (HERE / "django.po").write_text(po(DJANGO, "python-format"), encoding="utf-8")
    (HERE / "djangojs.po").write_text(po(DJANGOJS, "javascript-format"), encoding="utf-8")
    print(f"{len(DJANGO)} + {len(DJANGOJS)} messages written to {HERE}")

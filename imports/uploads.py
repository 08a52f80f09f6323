"""Uploaded files (or the .txt files inside a .zip) -> the entries of an import job.

Nothing here trusts the upload: the sizes are checked before anything is read, an archive's
member count and declared sizes before any member is decompressed (a zip bomb is refused
unread), and a member's read is bounded by its declared size (zipfile checks the CRC, so a
member that lies about its size fails alone). Names are kept for the report only, never
used as paths: a member called ``../../etc/passwd`` is listed as skipped.
"""

import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.importing.decode import MB, format_size

# One file: the importer's own limit (IMPORT_MAX_MB, 10 MB by default).
# One job, uploaded files or the uncompressed .txt members of archives together: 50 MB
# (about ten thousand articles of the seeds' size), kept in the database until imported.
JOB_MAX_BYTES = 50 * MB
# Members of one archive (directories included): the zip's central directory is read
# whole, so this is checked from its end record before the directory is parsed.
ZIP_MAX_MEMBERS = 2000
# Files of one job.
JOB_MAX_FILES = 2000


# Why a member or an upload was not imported at all (stored as the key, shown translated).
SKIP_REASONS = {
    "not_txt_or_zip": gettext_lazy("không phải tệp .txt hay .zip"),
    "not_txt": gettext_lazy("không phải tệp .txt"),
    "unsafe_name": gettext_lazy("tên không an toàn (đường dẫn tuyệt đối hoặc có “..”)"),
    "hidden": gettext_lazy("tệp ẩn hoặc tệp phụ của macOS"),
    "encrypted": gettext_lazy("tệp được mã hoá"),
}


def file_max_bytes() -> int:
    return int(settings.IMPORT_MAX_MB * MB)


class UploadRefused(Exception):
    """The upload as a whole cannot become a job; the message says why, for the editor."""


@dataclass
class Entry:
    """One file to import, or one that failed before import (``error``)."""

    name: str
    data: bytes = b""
    size: int = 0
    error: str = ""


@dataclass
class Upload:
    entries: list[Entry] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {"name", "reason": a SKIP_REASONS key}
    total_bytes: int = 0

    def add(self, entry: Entry):
        self.total_bytes += len(entry.data)
        if self.total_bytes > JOB_MAX_BYTES:
            raise UploadRefused(
                _("Tổng dung lượng các tệp vượt quá %(limit)s cho một lượt nhập.")
                % {"limit": format_size(JOB_MAX_BYTES)}
            )
        if len(self.entries) >= JOB_MAX_FILES:
            raise UploadRefused(
                _("Quá nhiều tệp cho một lượt nhập (tối đa %(n)d).") % {"n": JOB_MAX_FILES}
            )
        self.entries.append(entry)

    def skip(self, name: str, reason: str):
        self.skipped.append({"name": name[:255], "reason": reason})


def too_large(size: int) -> str:
    """The importer's reason for a file over the limit (the same words as the command)."""
    return f"file too large: {format_size(size)} (the limit is {format_size(file_max_bytes())})"


def is_zip_name(name: str) -> bool:
    return name.lower().endswith(".zip")


def is_txt_name(name: str) -> bool:
    return name.lower().endswith(".txt")


def read_uploads(files) -> Upload:
    """Turn uploaded files (Django ``UploadedFile``s) into a job's entries.

    Raise ``UploadRefused`` when the upload as a whole is refused (too large, too many
    files, no file to import); a bad file among good ones is an entry with its reason.
    """
    upload = Upload()
    declared = sum(f.size or 0 for f in files)
    if declared > JOB_MAX_BYTES:
        raise UploadRefused(
            _("Tổng dung lượng các tệp vượt quá %(limit)s cho một lượt nhập.")
            % {"limit": format_size(JOB_MAX_BYTES)}
        )
    for uploaded in files:
        name = display_name(uploaded.name or "")
        if is_zip_name(name):
            read_zip(uploaded, name, upload)
        elif is_txt_name(name):
            upload.add(read_one(uploaded, name))
        else:
            upload.skip(name, "not_txt_or_zip")
    if not upload.entries:
        raise UploadRefused(_("Không có tệp .txt nào để nhập."))
    return upload


def read_one(uploaded, name: str) -> Entry:
    limit = file_max_bytes()
    if uploaded.size > limit:
        return Entry(name=name, size=uploaded.size, error=too_large(uploaded.size))
    data = uploaded.read(limit + 1)
    if len(data) > limit:  # the size Django was told was not the size sent
        return Entry(name=name, size=len(data), error=too_large(len(data)))
    return Entry(name=name, data=data, size=len(data))


def display_name(name: str) -> str:
    """The name as the editor sees it: printable, at most 255 characters."""
    cleaned = "".join(c if c.isprintable() else "?" for c in name).strip()
    return (cleaned or "?")[:255]


def unsafe_name(name: str) -> bool:
    """Whether a member's name would climb out of a folder or is absolute, were it a path."""
    path = name.replace("\\", "/")
    parts = path.split("/")
    return (
        path.startswith("/")
        or ".." in parts
        or (len(path) > 1 and path[1] == ":")  # C:...
        or "\x00" in name
    )


def member_count(fileobj) -> int | None:
    """Return the number of members an archive's end record declares, without reading its
    directory; None when there is no end record (not a zip)."""
    try:
        # zipfile's own reader of the end record (zip64 included): private, but the one
        # way to know the count before ZipFile() parses the whole central directory.
        end = zipfile._EndRecData(fileobj)
    except (OSError, AttributeError):
        return None
    finally:
        fileobj.seek(0)
    if not end:
        return None
    return end[zipfile._ECD_ENTRIES_TOTAL]


def read_zip(uploaded, zip_name: str, upload: Upload):
    """Add the .txt members of an uploaded archive; refuse a broken or oversized one."""
    fileobj = uploaded.file if hasattr(uploaded, "file") else uploaded
    fileobj.seek(0)
    count = member_count(fileobj)
    if count is None:
        raise UploadRefused(_("“%(name)s” không phải tệp .zip hợp lệ.") % {"name": zip_name})
    if count > ZIP_MAX_MEMBERS:
        raise UploadRefused(
            _("“%(name)s” có %(count)d mục, quá giới hạn %(limit)d.")
            % {"name": zip_name, "count": count, "limit": ZIP_MAX_MEMBERS}
        )
    try:
        archive = zipfile.ZipFile(fileobj)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UploadRefused(
            _("“%(name)s” không phải tệp .zip hợp lệ.") % {"name": zip_name}
        ) from None
    limit = file_max_bytes()
    txt = []
    for info in members:
        name = display_name(f"{zip_name}/{info.filename}")
        base = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
        if info.is_dir():
            continue
        if unsafe_name(info.filename):
            upload.skip(name, "unsafe_name")
        elif base.startswith(".") or info.filename.startswith("__MACOSX/"):
            upload.skip(name, "hidden")
        elif not is_txt_name(base):
            upload.skip(name, "not_txt")
        elif info.flag_bits & 0x1:
            upload.skip(name, "encrypted")
        else:
            txt.append((name, info))
    # Every declared size is checked before a single member is decompressed.
    declared = sum(info.file_size for name, info in txt if info.file_size <= limit)
    if upload.total_bytes + declared > JOB_MAX_BYTES:
        raise UploadRefused(
            _("Các tệp trong “%(name)s” giải nén ra quá %(limit)s cho một lượt nhập.")
            % {"name": zip_name, "limit": format_size(JOB_MAX_BYTES)}
        )
    for name, info in txt:
        if info.file_size > limit:
            upload.add(Entry(name=name, size=info.file_size, error=too_large(info.file_size)))
            continue
        try:
            with archive.open(info) as member:
                data = member.read(limit + 1)
        except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError, ValueError) as exc:
            upload.add(Entry(name=name, size=info.file_size, error=f"cannot unzip: {exc}"))
            continue
        if len(data) > limit:
            upload.add(Entry(name=name, size=len(data), error=too_large(len(data))))
            continue
        upload.add(Entry(name=name, data=data, size=len(data)))

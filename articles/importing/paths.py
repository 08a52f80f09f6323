"""Command-line paths -> the input files to import, each either readable or with its error.

A wrong path never stops the walk: it becomes an InputFile with an error, which the command
reports as an ordinary line "PATH: error: REASON", and the other paths are still walked.
Symbolic links are followed explicitly: each directory's (st_dev, st_ino) is remembered, so a
link back to a directory above it is reported as a loop instead of recursing without end, and
a file reached twice (two links, or a folder named twice) is yielded once.
"""

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .decode import check_size
from .errors import ImportFailure

# Our wording for the usual errors, the same on every C library.
_REASONS = {
    errno.ENOENT: "no such file or directory",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "is a directory",
    errno.ENOTDIR: "not a directory",
    errno.ELOOP: "symbolic link loop",
    errno.EIO: "input/output error",
    errno.ENAMETOOLONG: "file name too long",
}


@dataclass(frozen=True)
class InputFile:
    """A path to import; error says why it cannot be, and is empty for a readable file."""

    path: str
    error: str = ""


def iter_inputs(paths: Iterable[str]) -> Iterator[InputFile]:
    """Yield the files named by paths, walking directories; yield an error item for the rest.

    Directories are walked depth first with their entries in sorted order; names starting
    with "." inside them are skipped (a path given on the command line is always taken).
    """
    seen_files: set[tuple[int, int]] = set()
    seen_dirs: set[tuple[int, int]] = set()
    for path in paths:
        yield from _walk(os.fspath(path), seen_files, seen_dirs)


def read_input(item: InputFile | str, max_bytes: int | None = None) -> bytes:
    """Return the bytes of a file, or raise ImportFailure saying why it cannot be read.

    At most max_bytes + 1 bytes are read, so a huge file is refused without being loaded.
    """
    if isinstance(item, InputFile):
        if item.error:
            raise ImportFailure(item.error)
        item = item.path
    try:
        # Non-blocking, so that a named pipe put in the file's place cannot hang the import.
        fd = os.open(item, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as file:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise ImportFailure("is a directory")
            if not stat.S_ISREG(info.st_mode):
                raise ImportFailure(f"not a regular file ({_kind(info.st_mode)})")
            check_size(info.st_size, max_bytes)
            data = file.read() if max_bytes is None else file.read(max_bytes + 1)
    except OSError as exc:
        raise ImportFailure(_reason(exc)) from None
    check_size(len(data), max_bytes, at_least=True)  # the file grew, or lied about its size
    return data


def _walk(
    top: str, seen_files: set[tuple[int, int]], seen_dirs: set[tuple[int, int]]
) -> Iterator[InputFile]:
    """Yield the input files under top (a file or a directory)."""
    # A stack rather than recursion: no depth limit. Each entry carries the directories above it.
    stack: list[tuple[str, frozenset[tuple[int, int]]]] = [(top, frozenset())]
    while stack:
        path, ancestors = stack.pop()
        info = _target(path)
        if isinstance(info, str):
            yield InputFile(path, info)
            continue
        key = (info.st_dev, info.st_ino)
        if stat.S_ISDIR(info.st_mode):
            if key in ancestors:
                target = os.path.realpath(path)
                yield InputFile(path, f"symbolic link loop (leads back to {target})")
                continue
            if key in seen_dirs:  # already walked, from another path or link
                continue
            seen_dirs.add(key)
            try:
                names = _visible_names(path)
            except OSError as exc:
                yield InputFile(path, _reason(exc))
                continue
            inside = ancestors | {key}
            stack.extend((os.path.join(path, name), inside) for name in reversed(names))
        elif stat.S_ISREG(info.st_mode):
            if key in seen_files:
                continue
            seen_files.add(key)
            if not os.access(path, os.R_OK):
                yield InputFile(path, "permission denied")
            else:
                yield InputFile(path)
        else:
            # Never opened: opening a named pipe blocks until someone writes to it.
            yield InputFile(path, f"not a regular file ({_kind(info.st_mode)})")


def _target(path: str) -> os.stat_result | str:
    """Return the status of what path leads to, or the reason it leads nowhere."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        return _reason(exc)
    if not stat.S_ISLNK(info.st_mode):
        return info
    try:
        return os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return f"broken symbolic link (points to {_readlink(path)})"
        return _reason(exc)


def _visible_names(directory: str) -> list[str]:
    """Return the sorted names in directory, without hidden ones (starting with ".")."""
    with os.scandir(directory) as entries:
        return sorted(entry.name for entry in entries if not entry.name.startswith("."))


def _readlink(path: str) -> str:
    """Return where a symbolic link points, or '?' when that cannot be read."""
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _kind(mode: int) -> str:
    """Return what a file that is not regular is, in words."""
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _reason(exc: OSError) -> str:
    """Return the one-line reason for an OSError, without the path."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return (exc.strerror or str(exc) or exc.__class__.__name__).lower()

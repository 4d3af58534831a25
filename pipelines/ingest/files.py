"""Files in the inbox: finding them, naming them, and turning their bytes into text.

A file (or sheet) that cannot be read at all raises UnreadableFile with the clerk's reason; the
readers quarantine it whole (results.rejected_file).
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from pathlib import Path


class UnreadableFile(Exception):
    """A file (or sheet) that cannot be read at all; the message is the clerk's reason."""


def relative_source(path: Path, root: Path) -> str:
    """The file's path relative to the inbox, with forward slashes on every platform."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def find_files(root: Path, folder: str, suffixes: Sequence[str]) -> list[Path]:
    """Files under root/folder (recursively) with one of the suffixes, sorted by relative path.

    Offices name files as they like; the folder says what a file is. Excel's lock files
    (~$…) and hidden files are not data.
    """
    base = root / folder
    if not base.is_dir():
        return []
    found = [
        path
        for path in base.rglob("*")
        if path.is_file() and path.suffix.lower() in suffixes and not path.name.startswith(("~$", "."))
    ]
    return sorted(found, key=lambda path: path.relative_to(root).as_posix())


def decode_to_utf8(data: bytes) -> tuple[bytes, str]:
    """The file's bytes as UTF-8 and the encoding they were in; never lossy.

    BOM → UTF-8; strict UTF-8; else strict GB18030 (a superset of GBK and GB2312). Anything else
    is rejected whole, naming the byte offset, because a guessed decode silently corrupts names.
    """
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                f"file starts with a UTF-8 byte-order mark but byte {exc.start + 3} "
                f"(0x{body[exc.start]:02X}) is not UTF-8; re-save the file as UTF-8"
            ) from None
        return body, "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile("file is UTF-16 (Excel 'Unicode text'); re-save it as CSV UTF-8 or GBK")
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            raise UnreadableFile(
                f"file is neither UTF-8 (byte 0x{data[utf8_error.start]:02X} at offset "
                f"{utf8_error.start} is invalid) nor GBK/GB18030 (byte 0x{data[gb_error.start]:02X} "
                f"at offset {gb_error.start} is invalid); re-save it as UTF-8 or GBK"
            ) from None
        # Reported as gb18030 also for GBK files: it is the codec that read them.
        return text.encode("utf-8"), "gb18030"

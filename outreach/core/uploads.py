"""Uploaded documents checked by their content, not their name: a file called report.pdf must start as
a PDF does, a .docx must be a Word package, a .csv must be text and not a web page.

The magic bytes are read by `filetype` (the detector Willow, Wagtail's image library, already uses);
ZIP-based office formats are then opened to find the part that makes them what they claim to be.
Images uploaded as Wagtail images are opened by Willow, which refuses a file that is not the image
its name says (wagtail.images.fields.WagtailImageField)."""

import codecs
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import filetype
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# How much of a file is read to decide: filetype looks at most at the first 8 KiB; text is judged on
# the first 64 KiB.
HEAD_BYTES = 8192
TEXT_SAMPLE_BYTES = 65536
# Anything a browser could take for a page or a script, at the start of a "text" file.
MARKUP_STARTS = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe")
# Bytes below 0x20 that plain text and CSV do contain: tab, line feed, form feed, carriage return.
TEXT_CONTROLS = frozenset({0x09, 0x0A, 0x0C, 0x0D})
# filetype's names for native programs.
PROGRAMS = frozenset({"exe", "elf", "dll", "macho", "dex"})

MISMATCH = _(
    "“%(name)s” is not a real %(expected)s file: its content is %(found)s. Nothing was saved. "
    "Upload the file in the format its name says."
)
UNCHECKABLE = _(
    "Files ending in .%(extension)s cannot be checked, so they are not accepted. Nothing was saved."
)


@dataclass(frozen=True)
class Sample:
    """The start of an upload, and the upload itself for formats that need a closer look."""

    head: bytes
    text: bytes
    file: Any

    @property
    def detected(self) -> str | None:
        kind = filetype.guess(self.head)
        return kind.extension if kind else None


# What reading a part of a damaged or unusual archive raises: a missing part (KeyError), a broken or
# truncated archive, and a compression method Python cannot read, which zipfile reports as
# NotImplementedError. Each means the upload is not the document it claims to be.
UNREADABLE_ZIP = (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError)


def _zip_part(sample: Sample, name: str) -> bytes | None:
    """The content of one small part of a ZIP upload, or None when it is no ZIP or has no such part."""
    if not sample.head.startswith(b"PK\x03\x04"):
        return None
    try:
        sample.file.seek(0)
        with zipfile.ZipFile(sample.file) as archive:
            info = archive.getinfo(name)
            # The parts looked at are a few bytes to a few KiB; a larger one is no honest document.
            if info.file_size > 1024 * 1024:
                return None
            return archive.read(info)
    except UNREADABLE_ZIP:
        return None
    finally:
        sample.file.seek(0)


def _is_markup(sample: Sample) -> bool:
    start = sample.text.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    return start.startswith(MARKUP_STARTS)


def _is_text(sample: Sample) -> bool:
    """Text in any common encoding: UTF-16 with its byte-order mark, or an 8-bit encoding (UTF-8,
    Windows-1251 ...) without NUL or other control bytes."""
    if sample.detected is not None:
        return False
    text = sample.text
    if text.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            # A sample may cut the last character in half: decode whole code units only.
            text[: len(text) - len(text) % 2].decode("utf-16")
        except UnicodeDecodeError:
            return False
        return True
    return not any(byte < 0x20 and byte not in TEXT_CONTROLS for byte in text)


def _is_plain_text(sample: Sample) -> bool:
    return _is_text(sample) and not _is_markup(sample)


def _is_pdf(sample: Sample) -> bool:
    return sample.detected == "pdf"


def _is_ooxml(main_part: str) -> Callable[[Sample], bool]:
    def check(sample: Sample) -> bool:
        return (
            _zip_part(sample, "[Content_Types].xml") is not None and _zip_part(sample, main_part) is not None
        )

    return check


def _is_opendocument(mimetype: str) -> Callable[[Sample], bool]:
    def check(sample: Sample) -> bool:
        return (_zip_part(sample, "mimetype") or b"").strip() == mimetype.encode("ascii")

    return check


def _is_image(extension: str) -> Callable[[Sample], bool]:
    def check(sample: Sample) -> bool:
        return sample.detected == extension

    return check


@dataclass(frozen=True)
class Format:
    label: Promise
    matches: Callable[[Sample], bool]


# Every extension a document may have (WAGTAILDOCS_EXTENSIONS) needs an entry here, or it is refused.
FORMATS: dict[str, Format] = {
    "pdf": Format(_("PDF"), _is_pdf),
    "docx": Format(_("Word (DOCX)"), _is_ooxml("word/document.xml")),
    "xlsx": Format(_("Excel (XLSX)"), _is_ooxml("xl/workbook.xml")),
    "odt": Format(_("OpenDocument text (ODT)"), _is_opendocument("application/vnd.oasis.opendocument.text")),
    "csv": Format(_("CSV"), _is_plain_text),
    "txt": Format(_("plain text"), _is_plain_text),
    "jpg": Format(_("JPEG image"), _is_image("jpg")),
    "jpeg": Format(_("JPEG image"), _is_image("jpg")),
    "png": Format(_("PNG image"), _is_image("png")),
    "gif": Format(_("GIF image"), _is_image("gif")),
    "webp": Format(_("WebP image"), _is_image("webp")),
}


def _found(sample: Sample) -> str:
    """What the content is, in words, for the refusal message."""
    detected = sample.detected
    if detected in PROGRAMS:
        return str(_("a program"))
    if detected == "zip" or (detected is None and sample.head.startswith(b"PK\x03\x04")):
        return str(_("a ZIP archive"))
    if detected is not None:
        return str(_("a %(kind)s file")) % {"kind": detected.upper()}
    if _is_text(sample):
        return str(_("a web page or a script")) if _is_markup(sample) else str(_("plain text"))
    return str(_("of an unknown kind"))


def _sample(file: Any) -> Sample:
    file.seek(0)
    text = file.read(TEXT_SAMPLE_BYTES)
    file.seek(0)
    return Sample(head=text[:HEAD_BYTES], text=text, file=file)


def document_content_check(file: Any, *, allowed_extensions: list[str] | None = None) -> None:
    """Raise ValidationError unless the upload's content is the format its extension names. An
    extension outside `allowed_extensions` is left to Wagtail's own extension check."""
    name = os.path.basename(file.name or "")
    extension = os.path.splitext(name)[1][1:].lower()
    if allowed_extensions is not None and extension not in {
        allowed.lower() for allowed in allowed_extensions
    }:
        return
    document_format = FORMATS.get(extension)
    if document_format is None:
        raise ValidationError(UNCHECKABLE, code="uncheckable", params={"extension": extension})
    sample = _sample(file)
    if not document_format.matches(sample):
        raise ValidationError(
            MISMATCH,
            code="content_mismatch",
            params={"name": name, "expected": document_format.label, "found": _found(sample)},
        )

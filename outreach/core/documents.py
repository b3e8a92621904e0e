"""Files the platform builds for people to download (partner reports, donor reports): fonts with
Cyrillic and Arabic-script letters for PDFs, and ZIP-based formats (XLSX) that come out the same
byte for byte from the same data."""

import threading
from pathlib import Path
from typing import Any
from zipfile import ZipFile, ZipInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT = "CampaignReportSans"
FONT_BOLD = "CampaignReportSans-Bold"
_fonts_lock = threading.Lock()
_fonts_from: list[str] = []


def report_fonts() -> tuple[str, str]:
    """Register DejaVu Sans (it has Cyrillic) with ReportLab from CAMPAIGN_REPORT_FONT_DIR, once per
    folder. Raises ImproperlyConfigured naming the missing file."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = Path(getattr(settings, "CAMPAIGN_REPORT_FONT_DIR", DEFAULT_FONT_DIR))
    with _fonts_lock:
        if _fonts_from != [str(folder)]:
            for name, filename in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf")):
                path = folder / filename
                if not path.is_file():
                    raise ImproperlyConfigured(
                        f"Reports need the font {path} (Debian package fonts-dejavu-core); "
                        "set CAMPAIGN_REPORT_FONT_DIR to the folder that holds DejaVuSans.ttf."
                    )
                pdfmetrics.registerFont(TTFont(name, str(path)))
            # Paragraph markup asks for <b> through the family.
            for bold, italic, name in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT), (1, 1, FONT_BOLD)):
                addMapping(FONT, bold, italic, name)
            _fonts_from[:] = [str(folder)]
    return FONT, FONT_BOLD


class FixedTimeZipFile(ZipFile):
    """A ZIP archive whose entries all carry one timestamp, so the same workbook gives the same bytes
    (openpyxl stamps entries with the time of writing and worksheets with their temporary file's)."""

    def __init__(self, *args: Any, date_time: tuple[int, int, int, int, int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_date_time = date_time

    def writestr(
        self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None
    ) -> None:
        if not isinstance(zinfo_or_arcname, ZipInfo):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=self.fixed_date_time)
            zinfo_or_arcname.compress_type = self.compression
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None
    ) -> None:
        with open(filename, "rb") as source:
            self.writestr(arcname or Path(filename).name, source.read(), compress_type, compresslevel)

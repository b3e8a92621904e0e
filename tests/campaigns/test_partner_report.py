"""The partner report (outreach/campaigns/reports.py): its PDF and XLSX in English and Russian, read
back cell by cell and text by text; the same data giving the same bytes; the download door and the
inputs it refuses; and no personal data in it."""

import base64
import re
import time
import zlib
from datetime import datetime
from io import BytesIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from outreach.campaigns.models import PeriodNarrative
from outreach.campaigns.reports import (
    partner_report,
    partner_report_pdf,
    partner_report_xlsx,
    report_fonts,
)
from outreach.core.roles import CAMPAIGN_MANAGER
from tests.campaigns.test_dashboard import COUNTED, grow, programme_world
from tests.factories.campaigns import partner_user
from tests.factories.users import member

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERSONAL = ("Sadykova", "Aigerim", "aigerim", "Kowalska", "Marta")


@pytest.fixture
def world() -> dict:
    """The dashboard's world, with the second half-year's narrative written in English only and the
    first half-year's in both languages."""
    world = programme_world()
    h1, h2 = world["periods"]["2026 H1"], world["periods"]["2026 H2"]
    PeriodNarrative.objects.create(
        period=h2,
        language="en",
        summary="Workshops reached 1,500 pupils in four regions.",
        achievements="Two new partner schools in Shymkent.",
        challenges="",
        next_steps="Train 40 more teachers before March.",
    )
    PeriodNarrative.objects.create(
        period=h1, language="en", summary="The programme started in twelve schools."
    )
    PeriodNarrative.objects.create(
        period=h1, language="ru", summary="Программа началась в двенадцати школах."
    )
    return world


@pytest.fixture
def manager():
    return member([CAMPAIGN_MANAGER], "manager")


def report_of(world: dict, user, period: str, language: str):
    return partner_report(
        user=user, programme=world["programme"], period=world["periods"][period], language=language
    )


# --- Reading the files back --------------------------------------------------------------------------


def _pdf_stream(body: bytes) -> bytes:
    data = body.split(b"stream\n", 1)[1].rsplit(b"endstream", 1)[0].strip()
    if b"/ASCII85Decode" in body:
        data = base64.a85decode(data.removesuffix(b"~>"))
    if b"/FlateDecode" in body:
        data = zlib.decompress(data)
    return data


def _pdf_string(raw: bytes) -> bytes:
    """A PDF literal string's bytes, its escapes undone."""
    out, index = bytearray(), 0
    while index < len(raw):
        byte = raw[index]
        if byte != 0x5C:  # backslash
            out.append(byte)
            index += 1
            continue
        octal = re.match(rb"[0-7]{1,3}", raw[index + 1 : index + 4])
        if octal:
            out.append(int(octal.group(), 8))
            index += 1 + len(octal.group())
        else:
            escaped = raw[index + 1 : index + 2]
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(escaped, escaped)
            index += 2
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    """The text shown on the pages of a ReportLab PDF, one line per text run: page streams are
    inflated and each font subset's codes are read through its ToUnicode map. Enough for our own
    reports, without a PDF library."""
    objects = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj\n(.*?)\nendobj", pdf, re.S)}
    fonts: dict[bytes, dict[int, str]] = {}
    for name, number in re.findall(rb"/(F\d+(?:\+\d+)?) (\d+) 0 R", objects[1]):
        to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(number)])
        mapping: dict[int, str] = {}
        if to_unicode:
            cmap = _pdf_stream(objects[int(to_unicode.group(1))])
            for code, character in re.findall(rb"<([0-9A-F]{2})> <([0-9A-F]{4})>", cmap):
                mapping[int(code, 16)] = chr(int(character, 16))
        fonts[name] = mapping
    pages = [
        int(number) for number in re.findall(rb"/Contents (\d+) 0 R", pdf)
    ]  # in page order: the page objects come first
    lines = []
    for number in pages:
        content = _pdf_stream(objects[number])
        font: dict[int, str] = {}
        for token in re.finditer(rb"/(F\d+(?:\+\d+)?) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", content, re.S):
            if token.group(1):
                font = fonts.get(token.group(1), {})
            else:
                lines.append("".join(font.get(byte, chr(byte)) for byte in _pdf_string(token.group(2))))
    return "\n".join(lines)


def workbook_rows(content: bytes) -> dict[str, list[tuple]]:
    """Every non-empty row of every sheet, by sheet name."""
    workbook = load_workbook(BytesIO(content))
    return {
        sheet.title: [
            row for row in sheet.iter_rows(values_only=True) if any(value is not None for value in row)
        ]
        for sheet in workbook
    }


# --- The files --------------------------------------------------------------------------------------


def test_the_english_workbook_holds_exact_cells(world, manager):
    # given the report of the second half-year in English
    report = report_of(world, manager, "2026 H2", "en")

    # when it is built as XLSX and read back
    sheets = workbook_rows(partner_report_xlsx(report))

    # then the overview says what, who and when, and gives the period's narrative
    assert list(sheets) == ["Overview", "Results", "Progress"]
    assert sheets["Overview"] == [
        ("Partner report", None),
        ("Programme", "Safe Voices Central Asia"),
        ("Programme code", "eu-pve-2026"),
        ("Programme runs", "Jan. 1, 2026 to Dec. 31, 2027"),
        (
            "Partners",
            "Delegation of the European Union to Kazakhstan (Lead partner); "
            "Spiritual Administration of Muslims of Kazakhstan (Co-funder)",
        ),
        ("Reporting period", "2026 H2 (July 1, 2026 to Dec. 31, 2026)"),
        ("Periods covered", "2026 H1 – 2026 H2"),
        ("Period starts on", datetime(2026, 7, 1)),
        ("Period ends on", datetime(2026, 12, 31)),
        ("Narrative", None),
        ("Summary", "Workshops reached 1,500 pupils in four regions."),
        ("Achievements", "Two new partner schools in Shymkent."),
        ("Next steps", "Train 40 more teachers before March."),
    ]
    # and the results table lists every indicator under its outcome or output, totals then breakdowns
    mov = "Platform reading figures and workshop attendance lists."
    assert sheets["Results"] == [
        (
            "Code",
            "Partner's code",
            "Indicator",
            "Unit",
            "Baseline",
            "Target for 2026 H2",
            "Result in 2026 H2",
            "Cumulative to 2026 H2",
            "Means of verification",
            "Evidence",
        ),
        (
            "Outcome OC1: Young people at risk question extremist narratives and know where to turn for help.",
            *[None] * 9,
        ),
        (
            "1.1",
            "EU RF 2.27",
            "Young people reached by counter-narrative material",
            "people",
            100,
            2000,
            1500,
            2140,
            mov,
            "Workshop attendance lists, July to December.",
        ),
        (None, None, "sex: female", None, None, None, 900, 1300, None, None),
        (None, None, "sex: male", None, None, None, None, None, None, None),
        ("Output OP1.1: Teachers and parents can answer recruiters' claims.", *[None] * 9),
        (
            "1.2",
            None,
            "Share of teachers who feel able to respond",
            "percent",
            20,
            45.5,
            None,
            None,
            mov,
            None,
        ),
        ("1.3", "EU RF 2.30", "Reads of campaign material", "count", 0, None, None, None, mov, None),
    ]
    # and each indicator's progress period by period, a percentage without a running total
    assert sheets["Progress"][:5] == [
        ("1.1 Young people reached by counter-narrative material", None, None, None, None),
        ("Period", "Baseline", "Target", "Result", "Cumulative"),
        ("2026 H1", 100, 1000, 640, 640),
        ("2026 H2", 100, 2000, 1500, 2140),
        ("1.2 Share of teachers who feel able to respond", None, None, None, None),
    ]
    assert sheets["Progress"][5:8] == [
        ("Period", "Baseline", "Target", "Result", None),
        ("2026 H1", 20, 30, 35.5, None),
        ("2026 H2", 20, 45.5, None, None),
    ]
    workbook = load_workbook(BytesIO(partner_report_xlsx(report)))
    assert len(workbook["Progress"]._charts) == 3


def test_the_russian_workbook_speaks_russian_and_says_the_narrative_is_english(world, manager):
    # given the second half-year's report in Russian, whose narrative was written in English only
    report = report_of(world, manager, "2026 H2", "ru")

    # when it is built as XLSX and read back
    sheets = workbook_rows(partner_report_xlsx(report))

    # then headings, labels and dates are Russian
    assert list(sheets) == ["Обзор", "Результаты", "Динамика"]
    assert sheets["Обзор"][:7] == [
        ("Отчёт для партнёров", None),
        ("Программа", "Safe Voices Central Asia"),
        ("Код программы", "eu-pve-2026"),
        ("Сроки программы", "с 1 января 2026 г. по 31 декабря 2027 г."),
        (
            "Партнёры",
            "Delegation of the European Union to Kazakhstan (Ведущий партнёр); "
            "Spiritual Administration of Muslims of Kazakhstan (Софинансирующий партнёр)",
        ),
        ("Отчётный период", "2026 H2 (с 1 июля 2026 г. по 31 декабря 2026 г.)"),
        ("Охваченные периоды", "2026 H1 – 2026 H2"),
    ]
    # and the English narrative comes with a note saying so
    assert sheets["Обзор"][9:] == [
        ("Описательная часть", None),
        ("Описание за этот период не написано на русском языке; приводится английский текст.", None),
        ("Краткое содержание", "Workshops reached 1,500 pupils in four regions."),
        ("Достижения", "Two new partner schools in Shymkent."),
        ("Дальнейшие шаги", "Train 40 more teachers before March."),
    ]
    assert sheets["Результаты"][0] == (
        "Код",
        "Код партнёра",
        "Индикатор",
        "Единица измерения",
        "Исходное значение",
        "Цель на 2026 H2",
        "Результат за 2026 H2",
        "Нарастающим итогом по 2026 H2",
        "Средства проверки",
        "Подтверждение",
    )
    assert [row[2] for row in sheets["Результаты"][2:5]] == [
        "Young people reached by counter-narrative material",
        "пол: female",
        "пол: male",
    ]
    assert sheets["Результаты"][1][0].startswith("Итоговый результат OC1: ")
    assert sheets["Результаты"][5][0].startswith("Непосредственный результат OP1.1: ")
    assert [row[3] for row in sheets["Результаты"] if row[0] in ("1.1", "1.2", "1.3")] == [
        "человек",
        "процент",
        "количество",
    ]
    assert sheets["Динамика"][1] == ("Период", "Исходное значение", "Цель", "Результат", "Нарастающим итогом")


def test_a_figure_the_platform_counted_says_where_it_came_from(world, manager):
    # given the first half-year's report, when the platform counted the reads of campaign pages
    report = report_of(world, manager, "2026 H1", "ru")

    # when it is built
    sheets = workbook_rows(partner_report_xlsx(report))

    # then the evidence column says the platform counted it, and from what; the narrative is Russian
    reads = next(row for row in sheets["Результаты"] if row[0] == "1.3")
    assert reads[4:8] == (0, 10000, 12345, 12345)
    assert reads[9] == f"Подсчитано платформой: {COUNTED}"
    assert ("Краткое содержание", "Программа началась в двенадцати школах.") in sheets["Обзор"]
    assert all("английский" not in str(row[0]) for row in sheets["Обзор"])
    # and a report up to the first period holds the first period only
    assert sheets["Обзор"][6] == ("Охваченные периоды", "2026 H1")


def test_the_english_pdf_holds_the_programme_its_results_and_charts(world, manager):
    # given
    report = report_of(world, manager, "2026 H2", "en")

    # when it is built with readable page streams
    pdf = partner_report_pdf(report, compress=False)

    # then it is a PDF whose pages say what the report is, with its results and narrative
    assert pdf.startswith(b"%PDF-1.4")
    text = pdf_text(pdf)
    for expected in (
        "Partner report",
        "Safe Voices Central Asia",
        "2026 H2 (July 1, 2026 to Dec. 31, 2026)",
        "Results up to and including 2026 H2",
        "Young people reached by counter-narrative",
        "2,140",
        "sex: female",
        "Workshops reached 1,500 pupils in four regions.",
        "Progress by indicator",
        "1.1 Young people reached by counter-narrative material",
        "Page 1",
    ):
        assert expected in text, expected
    # and its charts are drawn in the PDF itself, one per indicator, with their legends and axes
    assert text.splitlines().count("Baseline") == 3 + 1  # three legends and the results table's heading
    assert "2026 H1: target 1,000, result 640. 2026 H2: target 2,000, result 1,500." in text


def test_the_russian_pdf_writes_cyrillic_and_russian_figures(world, manager):
    # given
    report = report_of(world, manager, "2026 H2", "ru")

    # when
    pdf = partner_report_pdf(report, compress=False)

    # then DejaVu Sans is embedded and the Russian text, dates and figures read back
    assert b"DejaVuSans" in pdf
    # (a no-break space in a figure reads back as a plain space)
    text = pdf_text(pdf).replace("\xa0", " ")
    for expected in (
        "Отчёт для партнёров",
        "Safe Voices Central Asia",
        "2026 H2 (с 1 июля 2026 г. по 31 декабря 2026 г.)",
        "Результаты по 2026 H2 включительно",
        "Описание за этот период не написано на русском языке; приводится английский текст.",
        "2 140",
        "45,50",
        "пол: female",
        "Страница 1",
    ):
        assert expected in text, expected


def test_the_same_data_gives_the_same_files(world, manager):
    # given
    report = report_of(world, manager, "2026 H2", "ru")

    # when each file is built twice, the second time in another two-second tick of the ZIP clock
    pdf, xlsx = partner_report_pdf(report), partner_report_xlsx(report)
    time.sleep(2.1)
    again = report_of(world, manager, "2026 H2", "ru")

    # then the bytes are the same
    assert partner_report_pdf(again) == pdf
    assert partner_report_xlsx(again) == xlsx
    workbook = load_workbook(BytesIO(xlsx))
    assert (workbook.properties.created, workbook.properties.modified) == (
        datetime(2026, 12, 31),
        datetime(2026, 12, 31),
    )


def test_the_reports_hold_no_personal_data(world, manager):
    # given figures entered by a named person and a named contact at the partner
    for language in ("en", "ru"):
        report = report_of(world, manager, "2026 H2", language)

        # when both files are built
        text = pdf_text(partner_report_pdf(report, compress=False))
        cells = " ".join(
            str(value)
            for rows in workbook_rows(partner_report_xlsx(report)).values()
            for row in rows
            for value in row
        )

        # then neither holds a name of theirs
        for name in PERSONAL:
            assert name not in text, (language, name)
            assert name not in cells, (language, name)


def test_a_missing_font_is_named_with_its_package(world, manager):
    # given a font folder without DejaVu Sans
    report = report_of(world, manager, "2026 H2", "ru")
    # when the PDF is built
    with (
        override_settings(CAMPAIGN_REPORT_FONT_DIR="/nonexistent/fonts"),
        pytest.raises(ImproperlyConfigured) as refused,
    ):
        partner_report_pdf(report)

    # then the operator is told which file and which package
    assert str(refused.value) == (
        "Reports need the font /nonexistent/fonts/DejaVuSans.ttf (Debian package "
        "fonts-dejavu-core); set CAMPAIGN_REPORT_FONT_DIR to the folder that holds DejaVuSans.ttf."
    )
    # and the default folder serves again afterwards
    assert report_fonts() == ("CampaignReportSans", "CampaignReportSans-Bold")
    assert partner_report_pdf(report).startswith(b"%PDF")


def test_gathering_the_report_takes_the_same_queries_however_large_the_programme(
    world, manager, django_assert_num_queries
):
    # given
    period = world["periods"]["2026 H2"]
    report_of(world, manager, "2026 H2", "en")  # the user's permissions and partner are cached after this
    # 1 narratives, 2 periods, 3 partners, 4 indicators, 5 their targets, 6 results
    with django_assert_num_queries(6):
        report_of(world, manager, "2026 H2", "en")

    # when the programme grows
    grow(world["programme"], indicators=6, periods=5, campaigns=0)
    later = world["programme"].periods.order_by("starts_on").last()

    # then
    with django_assert_num_queries(6):
        report = partner_report(user=manager, programme=world["programme"], period=later, language="en")
    assert len(report.indicators) == 9
    assert len(report.periods) == 9
    assert report.periods[1] == period


# --- The download door -------------------------------------------------------------------------------


def report_url(programme) -> str:
    return reverse("campaigns_programme_report", args=[programme.pk])


def test_a_partner_user_of_the_programme_downloads_both_formats(client, world):
    # given a user of the EU Delegation
    client.force_login(partner_user(world["eu"], "eu-user"))
    period = world["periods"]["2026 H2"]

    # when they ask for the PDF in Russian
    response = client.get(
        report_url(world["programme"]), {"period": period.pk, "language": "ru", "format": "pdf"}
    )

    # then they get it, named after the programme, period and language
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == 'attachment; filename="partner-report-eu-pve-2026-2026-h2-ru.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Safe Voices Central Asia" in text
    assert "Отчёт для партнёров" in text

    # and when they ask for the workbook in English
    response = client.get(
        report_url(world["programme"]), {"period": period.pk, "language": "en", "format": "xlsx"}
    )

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert (
        response["Content-Disposition"] == 'attachment; filename="partner-report-eu-pve-2026-2026-h2-en.xlsx"'
    )
    assert workbook_rows(response.content)["Overview"][1] == ("Programme", "Safe Voices Central Asia")


def test_the_form_offers_only_this_programmes_periods(client, world, manager):
    # given
    client.force_login(manager)

    # when the report page is opened without a choice
    response = client.get(report_url(world["programme"]))

    # then it is a form, with the programme's four periods and no file
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    html = response.content.decode()
    for period in world["periods"].values():
        assert f'<option value="{period.pk}"' in html
    for period in world["other"].periods.all():
        assert f'<option value="{period.pk}"' not in html


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        (
            {"period": "other", "language": "en", "format": "pdf"},
            "Choose one of this programme's reporting periods.",
        ),
        (
            {"period": "abc", "language": "en", "format": "pdf"},
            "Choose one of this programme's reporting periods.",
        ),
        ({"language": "en", "format": "pdf"}, "Choose a reporting period."),
        (
            {"period": "own", "language": "kk", "format": "pdf"},
            "The report is written in English or Russian; choose one of them.",
        ),
        (
            {"period": "own", "language": "en", "format": "docx"},
            "The report comes as PDF or XLSX; choose one of them.",
        ),
        ({"period": "own", "language": "en"}, "Choose a format."),
    ],
)
def test_bad_choices_get_a_clear_message_and_no_file(client, world, manager, choice, message):
    # given
    client.force_login(manager)
    own, other = world["periods"]["2026 H2"], world["other"].periods.first()
    query = {**choice}
    if "period" in query:
        query["period"] = {"own": own.pk, "other": other.pk}.get(query["period"], query["period"])

    # when
    response = client.get(report_url(world["programme"]), query)

    # then the form comes back with the message, and no file
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    html = response.content.decode()
    assert "The report was not made:" in html
    assert message.replace("'", "&#x27;") in html

"""Russian material and its Kazakh translation, made through wagtail-localize's own editor API."""

from django.test.client import encode_multipart
from django.urls import reverse
from wagtail_localize.models import StringSegment, Translation

from cms.pages.home import HomePage
from tests.factories.cms import article_add

BOUNDARY = "translation-test-boundary"

RUSSIAN = {
    "title": "Правда о Сирии",
    "summary": "Что на самом деле ждёт тех, кто уезжает.",
    "paragraph": "Вербовщики обещают семью и смысл.",
}
# Every Russian string the tests meet, with its Kazakh translation; anything else is kept as it is.
KAZAKH = {
    "Правда о Сирии": "Сирия туралы шындық",
    "Что на самом деле ждёт тех, кто уезжает.": "Кеткендерді шын мәнінде не күтеді.",
    "Вербовщики обещают семью и смысл.": "Жалдаушылар отбасы мен мән уәде етеді.",
    "Правда о Сирии сегодня": "Сирия туралы бүгінгі шындық",
    "syria": "siriya",
}


def russian_material_add(*, home: HomePage, **kwargs: object):
    """The Russian material "syria" with the RUSSIAN title, summary and paragraph."""
    return article_add(
        home=home,
        slug="syria",
        title=RUSSIAN["title"],
        summary=RUSSIAN["summary"],
        body=[{"type": "paragraph", "value": f"<p>{RUSSIAN['paragraph']}</p>"}],
        **kwargs,
    )


def kazakh_strings_translate(client, translation: Translation, leave_out: str | None = None) -> int:
    """Translate the strings (all but `leave_out`) into Kazakh through wagtail-localize's editor API,
    as its editor does; returns how many string segments the source has."""
    segments = StringSegment.objects.filter(source=translation.source).select_related("string")
    for segment in segments:
        if segment.string.data == leave_out:
            continue
        response = client.put(
            reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk]),
            data=encode_multipart(BOUNDARY, {"value": KAZAKH.get(segment.string.data, segment.string.data)}),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
        )
        assert response.status_code in (200, 201), response.content
    return len(segments)

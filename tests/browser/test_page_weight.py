"""Page weight budget: a typical article on a 360 px phone, everything it loads, under 150 KB."""

import io
import random

import pytest
from django.core.files.images import ImageFile
from PIL import Image, ImageDraw, ImageFilter
from playwright.sync_api import expect
from wagtail.images import get_image_model

from tests.factories.cms import article_add

pytestmark = pytest.mark.django_db(transaction=True)
BUDGET_BYTES = 150 * 1024


def photo_like_image(title: str) -> object:
    """A 1600×900 JPEG with texture, so its renditions weigh what a photograph's would."""
    rng = random.Random(4)  # noqa: S311  (test data, not security)
    image = Image.new("RGB", (1600, 900), (120, 150, 190))
    draw = ImageDraw.Draw(image)
    for _ in range(1500):
        x, y = rng.randrange(1600), rng.randrange(900)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse([x, y, x + rng.randrange(8, 60), y + rng.randrange(8, 60)], fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(1.5))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name="photo.jpg"))


@pytest.mark.parametrize("pixel_ratio", [1, 2], ids=["1x", "2x"])
def test_a_typical_article_weighs_under_the_budget_on_a_phone(live_server, homes, browser, pixel_ratio):
    # given an article of about 1,200 words with two photographs
    first, second = photo_like_image("Steppe"), photo_like_image("Mountains")
    paragraph = "<p>" + "Recruiters promise brotherhood and deliver isolation, step by step. " * 20 + "</p>"
    body = [{"type": "paragraph", "value": paragraph} for _ in range(8)]
    body.insert(2, {"type": "image", "value": {"image": first.pk, "alt_text": "Steppe", "caption": ""}})
    body.insert(6, {"type": "image", "value": {"image": second.pk, "alt_text": "Mountains", "caption": ""}})
    article_add(home=homes["en"], slug="typical", body=body, listing_image=first)
    # (a cheap Android phone has a 360 px wide viewport at 1 or 2 device pixels per CSS pixel)
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=pixel_ratio)
    page = context.new_page()
    transferred = []
    page.on("requestfinished", lambda request: transferred.append((request.url, request.sizes())))
    # when a phone 360 px wide loads it and scrolls to the end (so lazy images load too)
    page.goto(f"{live_server.url}/en/typical/", wait_until="networkidle")
    for image in page.locator("img").all():
        image.scroll_into_view_if_needed()
    # (expect, not wait_for_function: the page's Content-Security-Policy forbids the eval the latter uses)
    for image in page.locator("img").all():
        expect(image).to_have_js_property("complete", True)
        expect(image).not_to_have_js_property("naturalWidth", 0)
    page.wait_for_load_state("networkidle")
    image_count = page.locator("img").count()
    for _ in range(50):  # the last "request finished" events may still be on their way
        if sum("/media/" in url for url, _sizes in transferred) >= image_count:
            break
        page.wait_for_timeout(100)
    # then HTML, CSS, JS and images together stay under the budget
    total = sum(sizes["responseBodySize"] + sizes["responseHeadersSize"] for _url, sizes in transferred)
    context.close()
    print(f"article page weight at 360 px, {pixel_ratio}x: {total} bytes in {len(transferred)} responses")  # noqa: T201
    assert total < BUDGET_BYTES, transferred
    assert sum(url.endswith(".avif") for url, _sizes in transferred) == image_count == 2

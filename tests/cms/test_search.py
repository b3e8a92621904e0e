"""Search as a reader meets it: their language only, filters, misspellings, promoted answers."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Locale

from tests.factories.cms import (
    AudienceFactory,
    ScholarAnswerPageFactory,
    TopicFactory,
    article_add,
    translation_add,
)

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stemming and trigram matching are PostgreSQL features"
)


def result_titles(response) -> list[str]:
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [h.get_text() for h in soup.select("main .card h3")]


def test_search_returns_only_the_readers_language(client, homes):
    # given the same article in Russian and English
    source = article_add(home=homes["ru"], title="Вербовка в социальных сетях", slug="recruiting")
    translation_add(source=source, home=homes["en"], title="Recruiting on social networks")
    # when a Russian reader searches for a word in both
    titles = result_titles(client.get("/ru/search/", {"q": "сетях"}))
    # then only the Russian page comes back
    assert titles == ["Вербовка в социальных сетях"]
    assert result_titles(client.get("/en/search/", {"q": "networks"})) == ["Recruiting on social networks"]


def test_search_filters_by_topic_and_audience(client, homes):
    topic = TopicFactory(slug="online")
    parents = AudienceFactory(slug="parents")
    tagged = article_add(home=homes["kk"], title="Интернеттегі үгіт туралы ата-аналарға")
    tagged.topics.add(topic)
    tagged.audiences.add(parents)
    tagged.save()
    article_add(home=homes["kk"], title="Интернеттегі үгіт туралы жастарға")
    assert len(result_titles(client.get("/kk/search/", {"q": "үгіт"}))) == 2
    assert result_titles(client.get("/kk/search/", {"q": "үгіт", "topic": "online"})) == [tagged.title]
    assert result_titles(client.get("/kk/search/", {"q": "үгіт", "audience": "parents"})) == [tagged.title]


def test_an_unknown_filter_is_explained_and_ignored(client, homes):
    article_add(home=homes["kk"], title="Интернеттегі үгіт")
    response = client.get("/kk/search/", {"q": "үгіт", "topic": "no-such-topic", "lang": "en"})
    soup = BeautifulSoup(response.content, "html.parser")
    assert len(soup.select(".notice")) == 1
    assert result_titles(response) == ["Интернеттегі үгіт"]


def test_kazakh_is_found_whichever_script_the_query_is_typed_in(client, homes):
    article_add(home=homes["kk"], title="Жалдаушылар не уәде етеді")
    assert result_titles(client.get("/kk/search/", {"q": "жалдаушылар"})) == ["Жалдаушылар не уәде етеді"]
    assert result_titles(client.get("/kk/search/", {"q": "jaldauşylar"})) == ["Жалдаушылар не уәде етеді"]
    # a reader of the Latin site searches the same material and reads it in Latin script
    assert result_titles(client.get("/kk-latn/search/", {"q": "jaldauşylar"})) == [
        "Jaldauşylar ne uäde etedı"
    ]


@on_postgresql
def test_russian_and_english_are_stemmed(client, homes):
    article_add(home=homes["ru"], title="Что обещают вербовщики")
    article_add(home=homes["en"], title="What recruiters promise")
    assert result_titles(client.get("/ru/search/", {"q": "вербовщиков"})) == ["Что обещают вербовщики"]
    assert result_titles(client.get("/en/search/", {"q": "recruiter promises"})) == [
        "What recruiters promise"
    ]


@on_postgresql
def test_a_misspelled_query_finds_the_closest_material(client, homes):
    article_add(home=homes["en"], title="Radicalisation explained for parents")
    response = client.get("/en/search/", {"q": "radicalisaton"})
    assert result_titles(response) == ["Radicalisation explained for parents"]
    assert "closest matches" in response.content.decode()


def test_promoted_answer_comes_first_in_the_readers_language(client, homes):
    # given the scholars' answer on hijra, promoted by editors for a query recruiters target
    answer_kk = article_add(home=homes["kk"], factory_class=ScholarAnswerPageFactory, title="Хижра парыз ба?")
    answer_ru = translation_add(source=answer_kk, home=homes["ru"], title="Обязательна ли хиджра?")
    SearchPromotion.objects.create(query=Query.get("хиджра в сирию"), page=answer_kk, sort_order=0)
    article_add(home=homes["ru"], title="Хиджра в Сирию: что было на самом деле")
    # when a Russian reader searches for it
    soup = BeautifulSoup(client.get("/ru/search/", {"q": "Хиджра в Сирию"}).content, "html.parser")
    # then the scholars' answer in Russian is shown first, as the recommended answer
    assert [h.get_text() for h in soup.select(".promoted .card h3")] == [answer_ru.title]
    assert answer_ru.title not in [h.get_text() for h in soup.select("main > .card-list .card h3")]


def test_the_search_page_works_without_a_query_and_is_never_cached(client, homes):
    response = client.get("/ar/search/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert (soup.html["lang"], soup.html["dir"]) == ("ar", "rtl")
    assert soup.select_one('form[role="search"] input[name="q"]') is not None
    assert response["Cache-Control"] == "private, no-store"


def test_search_records_only_counts_of_queries(client, homes):
    client.get("/en/search/", {"q": "leaving a group"})
    client.get("/en/search/", {"q": "leaving a group"})
    query = Query.objects.get(query_string="leaving a group")
    assert sum(query.daily_hits.values_list("hits", flat=True)) == 2
    assert Locale.objects.filter(language_code="en").exists()

"""Webhooks of the outreach pipeline, included at "webhooks/" by outreach/urls.py: mail providers'
tracking webhooks through django-anymail (e.g. /webhooks/anymail/postmark/tracking/) and the signed
endpoint for mail servers without a provider (/webhooks/outreach/events/)."""

from django.urls import include, path

from . import webhooks

app_name = "webhooks"

urlpatterns = [
    path("outreach/events/", webhooks.events_receive, name="outreach-events"),
    # Anymail's own views (basic auth from settings.ANYMAIL["WEBHOOK_SECRET"]), namespace "anymail".
    path("anymail/", include("anymail.urls")),
]

from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from .models import Heartbeat

M = TypeVar("M", bound=models.Model)


def model_update(*, instance: M, fields: list[str], data: dict[str, Any]) -> tuple[M, bool]:
    """Set the given fields from data, validate and save only those that changed."""
    changed = [field for field in fields if field in data and getattr(instance, field) != data[field]]
    for field in changed:
        setattr(instance, field, data[field])
    if changed:
        instance.full_clean()
        if "updated_at" in {f.name for f in instance._meta.get_fields()}:
            changed.append("updated_at")
        instance.save(update_fields=changed)
    return instance, bool(changed)


@transaction.atomic
def heartbeat_record(*, name: str) -> Heartbeat:
    """Record that the named job ran now; one row per name, counting beats."""
    now = timezone.now()
    heartbeat, created = Heartbeat.objects.select_for_update().get_or_create(
        name=name, defaults={"beat_at": now, "count": 1}
    )
    if not created:
        heartbeat.beat_at = now
        heartbeat.count = models.F("count") + 1
        heartbeat.save(update_fields=["beat_at", "count"])
        heartbeat.refresh_from_db()
    return heartbeat

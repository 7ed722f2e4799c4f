"""Optimistic concurrency: an edit names the version it was based on; if the record has moved
on since, the edit is refused and nothing is overwritten (HTTP 409 in the API, a form error
on the page)."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaleEdit(Exception):
    """The record changed after the editor loaded it."""

    message = _(
        "Someone else changed this record after you opened it. Reload it to see their "
        "changes, then make yours again."
    )

    def __str__(self) -> str:
        return str(self.message)


def claim_version(instance: models.Model, version: Any) -> int:
    """Move ``instance`` from ``version`` to the next version in one compare-and-set UPDATE
    (which also takes the row's write lock), or raise :class:`StaleEdit`. Call it inside the
    transaction that saves the edit."""
    try:
        expected = int(version)
    except (TypeError, ValueError):
        raise StaleEdit from None
    model = instance._meta.model
    claimed = model._base_manager.filter(pk=instance.pk, version=expected).update(
        version=expected + 1
    )
    if not claimed:
        raise StaleEdit
    instance.version = expected + 1
    return instance.version

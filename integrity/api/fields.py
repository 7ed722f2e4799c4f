"""Serializer fields shared by the API's views."""

from typing import Any

from rest_framework import serializers

from integrity.web.paging import MAX_ID


class IdField(serializers.IntegerField):
    """An id the client sends (``?court=12``, ``"inquiries": [3, 4]``): a whole number within
    the range of ids, so that a larger one is refused (400) rather than overflowing the
    database's integer in the query."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", -MAX_ID)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

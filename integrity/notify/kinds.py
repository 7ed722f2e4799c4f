"""What each kind of notification says. Apps register their kinds (ledgers/reminders.py);
titles and bodies are translatable templates filled from the notification's ``params`` when
shown, so each reader sees them in their own language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Kind:
    code: str
    # gettext_lazy templates with %(name)s placeholders filled from the params
    title: Any
    body: Any = ""


_KINDS: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    for kind in kinds:
        _KINDS[kind.code] = kind


def get(code: str) -> Kind | None:
    return _KINDS.get(code)


def _fill(template: Any, params: dict) -> str:
    text = str(template)
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        return text


def title_of(kind: str, params: dict) -> str:
    found = _KINDS.get(kind)
    return _fill(found.title, params) if found else _("Notification")


def body_of(kind: str, params: dict) -> str:
    found = _KINDS.get(kind)
    return _fill(found.body, params) if found and found.body else ""

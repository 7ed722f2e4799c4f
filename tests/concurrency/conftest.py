"""Shared by the concurrency tests: real races need PostgreSQL (SQLite runs one writer at a
time), threads each with their own database connection, and data committed where other
connections and processes see it (``transaction=True``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from integrity.access.models import Role

from ..conftest import on_postgres
from ..factories import UserFactory, assign


def needs_postgres() -> None:
    if not on_postgres():
        pytest.skip("SQLite serialises writers in one process; the race needs PostgreSQL")


def race(count: int, work: Callable[[int], Any]) -> tuple[dict[int, Any], list[BaseException]]:
    """Run ``work(n)`` for n in range(count) on ``count`` threads, each on its own database
    connection (closed when it ends). Returns each thread's result and the exceptions
    raised."""
    results: dict[int, Any] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            value = work(n)
            with lock:
                results[n] = value
        except BaseException as error:  # pragma: no cover - reported by the caller
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    return results, errors


@pytest.fixture
def officer(province):
    """A discipline officer of 辽01 who keeps the ledgers of the courts below too."""
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["shenyang"], covers=True)
    return user

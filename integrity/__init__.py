"""Qinglian (清廉): integrity case management for court discipline offices."""

from .celery import app as celery_app

__all__ = ("celery_app",)

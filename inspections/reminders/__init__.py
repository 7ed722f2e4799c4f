"""Reminder sources of the supervision side, registered with the engine
(integrity/notify/reminders.py): rectification deadlines and referral stage limits."""

from . import rectification, referrals  # noqa: F401

"""The four ledgers (shared/DOMAIN.md "The four ledgers"), one module each."""

from .attachments import Attachment
from .base import LedgerRecord
from .contacts import ContactApproval, ContactCase, Counterpart, UnplannedContactReport
from .departures import DepartureRecord, FollowUp
from .interference import InterferenceRecord
from .relatives import RelativePractice, ReminderTalk

__all__ = [
    "Attachment",
    "ContactApproval",
    "ContactCase",
    "Counterpart",
    "DepartureRecord",
    "FollowUp",
    "InterferenceRecord",
    "LedgerRecord",
    "RelativePractice",
    "ReminderTalk",
    "UnplannedContactReport",
]

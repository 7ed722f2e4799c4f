"""The four ledgers (shared/DOMAIN.md "The four ledgers"), one module each."""

from .attachments import Attachment
from .base import LedgerRecord
from .contacts import ContactApproval, ContactCase, Counterpart, UnplannedContactReport
from .declarations import Campaign, Declaration, DeclaredRelative, Signature
from .departures import DepartureRecord, FollowUp
from .interference import InterferenceRecord
from .relatives import RelativePractice, ReminderTalk

__all__ = [
    "Attachment",
    "Campaign",
    "ContactApproval",
    "ContactCase",
    "Counterpart",
    "Declaration",
    "DeclaredRelative",
    "DepartureRecord",
    "FollowUp",
    "InterferenceRecord",
    "LedgerRecord",
    "RelativePractice",
    "ReminderTalk",
    "Signature",
    "UnplannedContactReport",
]

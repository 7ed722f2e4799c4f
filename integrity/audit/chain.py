"""Verifying the audit chain: every link, in order, against its recomputed hash."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import GENESIS_HASH, AuditEvent, AuditHead


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify_chain(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the chain from the first event; stop at and name the first broken link."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size)
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(
                checked,
                expected_seq,
                _("Event %(seq)s is missing from the chain.") % {"seq": expected_seq},
            )
        if event.prev_hash != expected_prev:
            return ChainReport(
                checked,
                event.seq,
                _("Event %(seq)s does not link to the event before it.") % {"seq": event.seq},
            )
        if event.compute_hash() != event.hash:
            return ChainReport(
                checked,
                event.seq,
                _("Event %(seq)s was altered after it was written.") % {"seq": event.seq},
            )
        expected_prev, expected_seq, checked = event.hash, event.seq + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.last_hash) if head else (0, GENESIS_HASH)
    if head_seq != checked or head_hash != expected_prev:
        return ChainReport(
            checked,
            checked + 1 if head_seq > checked else checked,
            _("The chain ends before its recorded head: events were removed."),
        )
    return ChainReport(checked)

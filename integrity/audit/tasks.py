import logging

from celery import shared_task

from .chain import verify_chain

logger = logging.getLogger(__name__)


@shared_task
def verify_audit_chain() -> dict:
    """Nightly: walk the audit chain and log loudly if any link is broken."""
    report = verify_chain()
    if report.ok:
        logger.info("audit chain intact: %s events", report.checked)
    else:
        logger.error("audit chain broken at event %s: %s", report.broken_seq, report.problem)
    return {"ok": report.ok, "checked": report.checked, "broken_seq": report.broken_seq}

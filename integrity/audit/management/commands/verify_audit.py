from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from integrity.audit.chain import verify_chain


class Command(BaseCommand):
    help = "Walk the audit chain and name the first broken link (exit status 1 if broken)."

    def handle(self, *args, **options) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                _("Audit chain broken at event %(seq)s: %(problem)s")
                % {"seq": report.broken_seq, "problem": report.problem}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Audit chain intact: %(count)s events verified.") % {"count": report.checked}
            )
        )

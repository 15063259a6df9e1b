"""``manage.py housekeeping [--dry-run]``: run the worker's housekeeping by hand."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from checkout.housekeeping import LABELS, run_housekeeping


class Command(BaseCommand):
    help = _(
        "Delete old finished task results, expired sessions and abandoned guest carts, in "
        "small batches (retention: TASK_RESULT_RETENTION_DAYS, CART_RETENTION_DAYS)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Only count what would be deleted."),
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help=_("Rows per delete statement (default: HOUSEKEEPING_BATCH_SIZE)."),
        )

    def handle(self, *, dry_run, batch_size, **options):
        if batch_size is not None and batch_size < 1:
            from django.core.management.base import CommandError

            raise CommandError(_("--batch-size must be at least 1."))
        counts = run_housekeeping(dry_run=dry_run, batch_size=batch_size)
        line = _("Would delete %(count)s %(what)s") if dry_run else _("Deleted %(count)s %(what)s")
        for kind, count in counts.items():
            self.stdout.write(line % {"count": count, "what": LABELS[kind]})

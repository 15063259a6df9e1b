"""``migrate``, one at a time per database.

MySQL cannot roll back a schema change, so two ``migrate`` runs against one database at the
same time (two servers each running ``docker compose up``, a migrate job started again while
the first is still running) can both try to create the same table and leave the schema half
changed. On MySQL and MariaDB this command first takes a named lock (``GET_LOCK``) scoped to
the database; a second run waits for the first and then finds nothing left to do. The lock
belongs to the connection, so a run that dies releases it. SQLite needs no lock: one file on
one server, and its schema changes are transactional.
"""

from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

WAIT_MESSAGE_EVERY = 30  # seconds between "still waiting" lines


class Command(migrate.Command):
    help = migrate.Command.help + " Runs one at a time per database (a named lock on MySQL)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--lock-timeout",
            type=int,
            default=900,
            help="Seconds to wait for another migrate run on the same database (default 900).",
        )

    def handle(self, *args, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        # --check and --plan only read: a web task waiting for the migrate job must not queue
        # behind it.
        if connection.vendor != "mysql" or options.get("check_unapplied") or options.get("plan"):
            return super().handle(*args, **options)
        # Lock names are server-wide and at most 64 characters: scope by database name.
        name = f"shop-migrate:{connection.settings_dict['NAME']}"[:64]
        self._acquire(connection, name, options["lock_timeout"])
        try:
            return super().handle(*args, **options)
        finally:
            self._release(connection, name)

    def _acquire(self, connection, name, timeout):
        if self._get_lock(connection, name, 0):
            return
        self.stderr.write(
            f"Another migrate run is working on this database; waiting up to {timeout} s for it."
        )
        waited = 0
        while waited < timeout:
            step = min(WAIT_MESSAGE_EVERY, timeout - waited)
            if self._get_lock(connection, name, step):
                self.stderr.write(f"The other migrate run has finished (waited {waited + step} s).")
                return
            waited += step
            self.stderr.write(f"Still waiting for the other migrate run ({waited} s)...")
        raise CommandError(
            f"Another migrate run has held the lock {name!r} for {timeout} s: is a migration "
            "stuck? SHOW PROCESSLIST on the database shows what it is doing."
        )

    @staticmethod
    def _get_lock(connection, name, seconds):
        with connection.cursor() as cursor:
            cursor.execute("SELECT GET_LOCK(%s, %s)", [name, seconds])
            (got,) = cursor.fetchone()
        if got is None:  # an error inside the server (out of memory, a killed thread)
            raise CommandError(f"The database could not give the migration lock {name!r}.")
        return got == 1

    @staticmethod
    def _release(connection, name):
        # A connection lost during the run has released its lock already.
        if connection.connection is None:
            return
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT RELEASE_LOCK(%s)", [name])
        except DatabaseError:  # closing the connection releases it too
            connection.close()

"""docker/backup/backup.sh, restore.sh and schedule.sh, run natively as compose's backup
service runs them (an unprivileged user, a database user with rights on one database only)
against MariaDB, with the shop still writing media files while a backup runs."""

import fcntl
import gzip
import io
import os
import queue
import re
import signal
import tarfile
import threading
import time

import pytest

from tests.deploy.backup_harness import BackupSandbox, MediaWriter, client_command, dump_command

STAMP = re.compile(r"^\d{8}T\d{6}Z$")


@pytest.fixture
def sandbox():
    assert dump_command() and client_command(), "mysqldump/mariadb-dump and mysql/mariadb needed"
    box = BackupSandbox()
    box.create_database()
    try:
        box.populate()
        box.write_media("original_images/silk.jpg", b"\xff\xd8silk" * 100)
        box.write_media("qrcodes/order-1.png", b"\x89PNG order 1")
        box.write_media(".well-known/note.txt", b"hidden files are media too", mode=0o600)
        (box.media / "original_images").chmod(0o755)
        yield box
    finally:
        box.destroy()


def change_everything(box):
    """What happens after a backup: new orders, a half-applied migration, new and deleted
    media files. A restore must undo all of it (or, when it refuses, none of it)."""
    box.sql(
        "INSERT INTO product (category_id, title, body, price) VALUES (2, 'Later', 'x', 9.99)",
        "ALTER TABLE product ADD COLUMN half_migrated INT NULL",
        "CREATE TABLE extra_half_migration (id INT PRIMARY KEY, product_id INT NOT NULL,"
        " FOREIGN KEY (product_id) REFERENCES product (id))",
        "INSERT INTO extra_half_migration VALUES (1, 1)",
        "CREATE VIEW extra_view AS SELECT id FROM extra_half_migration",
    )
    box.write_media("qrcodes/order-2.png", b"\x89PNG order 2")
    (box.media / "qrcodes" / "order-1.png").unlink()


def archive_members(path):
    with tarfile.open(path) as archive:
        return archive.getnames()


def no_leftovers(box):
    names = box.listing()
    assert not [n for n in names if n.endswith(".partial")], names
    assert not [p.name for p in box.media.iterdir() if p.name.startswith(".restore-")]


# --- 1. A backup while the shop sells ---------------------------------------------------


def test_a_backup_taken_while_media_files_change_is_complete(sandbox):
    with MediaWriter(sandbox) as writer:
        result = sandbox.run("backup.sh")
    assert writer.created > 10
    assert result.returncode == 0, result.stderr
    assert "some media files changed while they were archived" in result.stderr  # tar's exit 1
    stamp = result.stdout.strip().splitlines()[-1]
    assert STAMP.match(stamp)
    db_file, media_file, manifest = sandbox.files(stamp)
    assert db_file.is_file() and media_file.is_file() and manifest.is_file()
    no_leftovers(sandbox)
    members = archive_members(media_file)
    assert "./qrcodes/growing.bin" in members
    assert "./qrcodes/order-1.png" in members
    assert "./.well-known/note.txt" in members
    check = sandbox.run("restore.sh", "--check", stamp)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("failure", ["media unreadable (tar exit 2)", "database refused"])
def test_a_failed_backup_leaves_nothing_that_looks_like_a_backup(sandbox, failure):
    env = {}
    if failure == "database refused":
        env["DB_PASSWORD"] = "wrong"
    else:
        private = sandbox.media / "private"
        private.mkdir()
        (private / "secret.png").write_bytes(b"x")
        private.chmod(0)  # belongs to someone else (or to nobody at all): tar cannot read it
    try:
        result = sandbox.run("backup.sh", env=env)
    finally:
        if failure != "database refused":
            private.chmod(0o700)
    assert result.returncode != 0
    assert re.search(r"backup \d{8}T\d{6}Z FAILED", result.stderr), result.stderr
    assert [n for n in sandbox.listing() if not n.startswith(".")] == []


# --- 2. Private files -------------------------------------------------------------------


def test_backups_and_safety_backups_are_private(sandbox):
    stamp = sandbox.backup()
    result = sandbox.run("restore.sh", stamp)
    assert result.returncode == 0, result.stderr
    paths = [sandbox.backup_dir, *sandbox.backup_dir.rglob("*")]
    assert len(paths) > 7  # three files, the lock, and pre-restore with the same inside
    for path in paths:
        expected = 0o700 if path.is_dir() else 0o600
        assert path.stat().st_mode & 0o777 == expected, path


# --- 3. The schedule --------------------------------------------------------------------


class Lines:
    """schedule.sh's output, line by line, each with the time it arrived."""

    def __init__(self, process):
        self.process = process
        self.queue = queue.Queue()
        self.seen = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.queue.put((time.monotonic(), line.rstrip("\n")))

    def wait_for(self, pattern, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            try:
                at, line = self.queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r} in:\n" + self.text()) from None
            self.seen.append(line)
            if re.search(pattern, line):
                return at, line

    def text(self):
        return "\n".join(self.seen)

    def stop(self):
        """What `docker compose stop` does: SIGTERM to the container's main process."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=5)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)


def test_schedule_retries_soon_after_a_failure_then_keeps_the_interval(sandbox):
    media = sandbox.media
    media.rename(sandbox.base / "media-not-mounted-yet")
    # 0.001 hours = 3.6 s (rounded to 4), 0.02 minutes = 1.2 s (rounded to 1).
    env = {"BACKUP_INTERVAL_HOURS": "0.001", "BACKUP_RETRY_MINUTES": "0.02"}
    lines = Lines(sandbox.schedule(env))
    try:
        lines.wait_for(r"first backup in 4 s")
        lines.wait_for(r"backup \d{8}T\d{6}Z FAILED")
        failed_at, message = lines.wait_for(r"Backup failed")
        assert "retrying in 1 s" in message
        assert "BACKUP_RETRY_MINUTES" in message
        (sandbox.base / "media-not-mounted-yet").rename(media)
        done_at, message = lines.wait_for(r"backup \d{8}T\d{6}Z done")
        assert "next backup in 4 s" in message
        assert done_at - failed_at < 3.5  # the retry came before the interval
    finally:
        assert lines.stop() == 0, lines.text()
    complete = sorted(sandbox.backup_dir.glob("backup-*.ok"))
    assert len(complete) == 1
    no_leftovers(sandbox)


@pytest.mark.parametrize("shell", ["bash", "sh"])
def test_schedule_backs_up_soon_after_start_and_then_every_interval(sandbox, shell):
    lines = Lines(sandbox.schedule({"BACKUP_INTERVAL_SECONDS": "2"}, shell=shell))
    try:
        lines.wait_for(r"first backup in 2 s")
        first, _ = lines.wait_for(r"backup \d{8}T\d{6}Z done")
        second, _ = lines.wait_for(r"backup \d{8}T\d{6}Z done")
        assert 1.5 < second - first < 6
    finally:
        assert lines.stop() == 0, lines.text()
    assert len(list(sandbox.backup_dir.glob("backup-*.ok"))) == 2


def test_schedule_stops_at_once_and_cleans_up_when_stopped_during_a_backup(sandbox):
    MediaWriter(sandbox, big_megabytes=48)  # a media archive that takes a few seconds
    lines = Lines(sandbox.schedule({"BACKUP_INTERVAL_SECONDS": "1"}))
    deadline = time.monotonic() + 15
    while not list(sandbox.backup_dir.glob("media-*.partial")):
        assert time.monotonic() < deadline, lines.text()
        time.sleep(0.01)
    stopping = time.monotonic()
    assert lines.stop() == 0
    assert time.monotonic() - stopping < 3
    assert [n for n in sandbox.listing() if not n.startswith(".")] == []


def test_schedule_waits_for_the_interval_after_a_recent_backup(sandbox):
    lines = Lines(sandbox.schedule({"BACKUP_INTERVAL_HOURS": "1"}))
    try:
        lines.wait_for(r"first backup in 60 s")
    finally:
        assert lines.stop() == 0
    sandbox.backup()
    lines = Lines(sandbox.schedule({"BACKUP_INTERVAL_HOURS": "1"}))
    try:
        _, message = lines.wait_for(r"first backup in \d+ s")
        waiting = int(re.search(r"first backup in (\d+) s", message).group(1))
        assert 3590 <= waiting <= 3600
    finally:
        assert lines.stop() == 0


@pytest.mark.parametrize(
    "setting",
    [
        {"BACKUP_INTERVAL_HOURS": "daily"},
        {"BACKUP_INTERVAL_SECONDS": "0"},
        {"BACKUP_RETRY_MINUTES": "-5"},
    ],
)
def test_schedule_refuses_a_setting_it_cannot_read(sandbox, setting):
    process = sandbox.schedule(setting)
    output, _ = process.communicate(timeout=10)
    assert process.returncode != 0
    assert next(iter(setting)) in output


# --- 4. Restore checks the backup before touching anything ----------------------------


def truncate(path, keep=0.6):
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def regzip(path, text):
    path.write_bytes(gzip.compress(text.encode()))


DAMAGE = {
    "truncated dump": ("db", lambda box, p: truncate(p), False, r"bytes, the manifest says"),
    "truncated dump with a matching manifest": ("db", lambda box, p: truncate(p), True, r"gzip"),
    "dump cut at a line end": (
        "db",
        lambda box, p: regzip(p, gzip.decompress(p.read_bytes()).decode().rsplit("\n", 4)[0]),
        True,
        r"Dump completed",
    ),
    "edited media archive": (
        "media",
        lambda box, p: p.write_bytes(p.read_bytes()[:-20] + b"\0" * 20),
        False,
        r"sha256",
    ),
    "media archive that is not a tar": (
        "media",
        lambda box, p: p.write_bytes(gzip.compress(os.urandom(5000))),
        True,
        r"media-\S+ .*(archive|tar)",
    ),
    "missing media archive": ("media", lambda box, p: p.unlink(), False, r"missing|no media"),
    "missing manifest": ("ok", lambda box, p: p.unlink(), False, r"not complete"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_restore_refuses_a_damaged_backup_and_changes_nothing(sandbox, damage):
    stamp = sandbox.backup()
    change_everything(sandbox)
    before, media_before = sandbox.fingerprint(), sandbox.media_state()
    which, damage_it, fix_manifest, message = DAMAGE[damage]
    db_file, media_file, manifest = sandbox.files(stamp)
    damage_it(sandbox, {"db": db_file, "media": media_file, "ok": manifest}[which])
    if fix_manifest:
        sandbox.rewrite_manifest(stamp)

    result = sandbox.run("restore.sh", stamp)

    assert result.returncode != 0
    assert re.search(message, result.stderr), result.stderr
    assert "nothing was changed" in result.stderr
    assert sandbox.fingerprint() == before
    assert sandbox.media_state() == media_before
    assert not (sandbox.backup_dir / "pre-restore").exists()
    no_leftovers(sandbox)


# --- 5. The database ends up exactly as in the backup, or as it was --------------------


def test_restore_leaves_exactly_the_backups_tables(sandbox):
    stamp = sandbox.backup()
    at_backup, media_at_backup = sandbox.fingerprint(), sandbox.media_state()
    change_everything(sandbox)
    assert "extra_half_migration" in sandbox.tables()

    result = sandbox.run("restore.sh", stamp)

    assert result.returncode == 0, result.stderr
    assert sandbox.fingerprint() == at_backup
    assert "extra_half_migration" not in sandbox.tables()
    assert sandbox.media_state() == media_at_backup
    no_leftovers(sandbox)


def make_backup_set(box, stamp, dump_text=None, media_bytes=None, source=None):
    """A backup set written by the test, with a valid manifest: damage that only shows when
    it is loaded or extracted."""
    db_file, media_file, manifest = box.files(stamp)
    source_db, source_media, source_manifest = box.files(source)
    db_file.write_bytes(gzip.compress(dump_text.encode()) if dump_text else source_db.read_bytes())
    media_file.write_bytes(media_bytes or source_media.read_bytes())
    manifest.write_text(source_manifest.read_text())
    box.rewrite_manifest(stamp)
    box.own(box.backup_dir)


def test_a_load_that_fails_half_way_puts_the_database_back(sandbox):
    good = sandbox.backup()
    dump = gzip.decompress(sandbox.files(good)[0].read_bytes()).decode()
    # A bad statement after the first table was dropped, created and filled again.
    first_table_done = dump.index("UNLOCK TABLES;") + len("UNLOCK TABLES;")
    bad_dump = dump[:first_table_done] + "\nTHIS IS NOT SQL;\n" + dump[first_table_done:]
    assert bad_dump.rstrip().splitlines()[-1].startswith("-- Dump completed")
    make_backup_set(sandbox, "20300101T000000Z", dump_text=bad_dump, source=good)
    change_everything(sandbox)
    before, media_before = sandbox.fingerprint(), sandbox.media_state()

    result = sandbox.run("restore.sh", "20300101T000000Z")

    assert result.returncode != 0
    assert "put back" in result.stderr, result.stderr
    assert sandbox.fingerprint() == before
    assert sandbox.media_state() == media_before
    safety = list((sandbox.backup_dir / "pre-restore").glob("backup-*.ok"))
    assert len(safety) == 1
    no_leftovers(sandbox)


# --- 6. Media: extracted aside first, swapped in only when whole -------------------------


def clashing_archive():
    """A tar.gz that lists cleanly but cannot be extracted: a file, then a file inside it."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name in ("./clash", "./clash/inside.png"):
            info = tarfile.TarInfo(name)
            info.size = 4
            archive.addfile(info, io.BytesIO(b"data"))
    return buffer.getvalue()


def test_a_media_archive_that_cannot_be_extracted_changes_nothing(sandbox):
    good = sandbox.backup()
    make_backup_set(sandbox, "20300101T000000Z", media_bytes=clashing_archive(), source=good)
    change_everything(sandbox)
    before, media_before = sandbox.fingerprint(), sandbox.media_state()

    result = sandbox.run("restore.sh", "20300101T000000Z")

    assert result.returncode != 0
    assert "media" in result.stderr and "nothing was changed" in result.stderr, result.stderr
    assert sandbox.fingerprint() == before
    assert sandbox.media_state() == media_before
    no_leftovers(sandbox)


def test_restore_brings_back_exactly_the_backups_media_in_place(sandbox):
    stamp = sandbox.backup()
    at_backup = sandbox.media_state()
    change_everything(sandbox)
    sandbox.write_media(".later/hidden.png", b"later")
    (sandbox.media / "original_images" / "silk.jpg").chmod(0o600)

    result = sandbox.run("restore.sh", stamp)

    assert result.returncode == 0, result.stderr
    # Same folder (a volume's mount point), same files, same modes (nginx reads them).
    assert sandbox.media_state() == at_backup
    no_leftovers(sandbox)


def test_temporary_restore_folders_never_go_into_a_backup(sandbox):
    sandbox.write_media(".restore-new-123/half.png", b"half extracted")
    sandbox.write_media(".restore-old-123/old.png", b"moved aside")
    sandbox.write_media("products/.restore-notes.txt", b"an ordinary file")
    stamp = sandbox.backup()
    members = archive_members(sandbox.files(stamp)[1])
    assert not [m for m in members if m.startswith("./.restore-")], members
    assert "./products/.restore-notes.txt" in members


# --- 7. Retention ------------------------------------------------------------------------


def test_only_the_newest_complete_sets_are_kept_and_stale_partials_go(sandbox):
    real = sandbox.backup()
    for fake in ("20200101T000010Z", "20200101T000020Z", "20200101T000030Z", "20200101T000040Z"):
        make_backup_set(sandbox, fake, source=real)
    old_orphan = sandbox.backup_dir / "db-20191231T000000Z.sql.gz"
    recent_orphan = sandbox.backup_dir / "media-20200101T000045Z.tar.gz"
    stale_partial = sandbox.backup_dir / "db-20200101T000050Z.sql.gz.partial"
    fresh_partial = sandbox.backup_dir / "media-20200101T000055Z.tar.gz.partial"
    for path in (old_orphan, recent_orphan, stale_partial, fresh_partial):
        path.write_bytes(b"x")
    two_days_ago = time.time() - 2 * 86400
    os.utime(stale_partial, (two_days_ago, two_days_ago))
    sandbox.own(sandbox.backup_dir)
    for name in sandbox.files(real):  # the real set becomes an old fake too
        name.rename(name.with_name(name.name.replace(real, "20200101T000000Z")))
    sandbox.rewrite_manifest("20200101T000000Z")

    newest = sandbox.backup(env={"BACKUP_KEEP": "3"})

    kept = sorted(p.name for p in sandbox.backup_dir.iterdir() if not p.name.startswith("."))
    # The newest three complete sets; files of an incomplete set newer than the oldest of
    # them (it may be a backup still being written) and a partial file from today stay.
    expected = [
        p.name for s in ("20200101T000030Z", "20200101T000040Z", newest) for p in sandbox.files(s)
    ]
    assert kept == sorted([*expected, recent_orphan.name, fresh_partial.name])


def test_a_restore_waits_for_a_backup_that_is_running(sandbox):
    stamp = sandbox.backup()
    lock = sandbox.backup_dir / ".lock"
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # what a running backup.sh holds
        threading.Timer(1.5, fcntl.flock, [held, fcntl.LOCK_UN]).start()
        started = time.monotonic()
        result = sandbox.run("restore.sh", stamp)
    assert result.returncode == 0, result.stderr
    assert "waiting for it to finish" in result.stderr
    assert time.monotonic() - started > 1.4


# --- 8. Operators: --list, and a restore as the unprivileged user --------------------------


def test_list_shows_the_complete_backups_with_their_date_and_size(sandbox):
    stamp = sandbox.backup()
    make_backup_set(sandbox, "20300101T000000Z", source=stamp)
    (sandbox.backup_dir / "backup-20300101T000000Z.ok").unlink()  # incomplete: not listed

    result = sandbox.run("restore.sh", "--list")

    assert result.returncode == 0, result.stderr
    rows = result.stdout.strip().splitlines()
    assert len(rows) == 1
    assert rows[0].split()[0] == stamp
    date = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]} UTC"
    assert date in rows[0]
    assert re.search(r"\d+(\.\d)?[KMG]?B?\b", rows[0].split("UTC")[1])


def test_a_restore_as_the_unprivileged_user_can_be_undone_from_its_safety_backup(sandbox):
    stamp = sandbox.backup()
    change_everything(sandbox)
    changed, media_changed = sandbox.fingerprint(), sandbox.media_state()

    result = sandbox.run("restore.sh", stamp)
    assert result.returncode == 0, result.stderr
    assert sandbox.fingerprint() != changed

    pre_restore = sandbox.backup_dir / "pre-restore"
    safety = sandbox.run("restore.sh", "--list", env={"BACKUP_DIR": str(pre_restore)})
    safety_stamp = safety.stdout.split()[0]
    assert safety_stamp in result.stderr + result.stdout  # restore says how to undo it
    undo = sandbox.run("restore.sh", safety_stamp, env={"BACKUP_DIR": str(pre_restore)})
    assert undo.returncode == 0, undo.stderr
    assert sandbox.fingerprint() == changed
    assert sandbox.media_state() == media_changed

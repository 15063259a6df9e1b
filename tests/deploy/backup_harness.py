"""Run docker/backup/*.sh natively the way the compose "backup" service runs them: as an
unprivileged user (the image's `shop`; `nobody` here when the tests run as root), against a
scratch MariaDB/MySQL database reached by a user that has rights on that database only (like
DB_USER in production), with temporary BACKUP_DIR and MEDIA_ROOT folders."""

import contextlib
import hashlib
import os
import secrets
import shutil
import stat
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import MySQLdb

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "docker" / "backup"
DB_HOST = os.environ.get("DB_HOST", "127.0.0.1")
DB_PORT = int(os.environ.get("DB_PORT", "3306"))
# The account that creates and drops the scratch database and user (CI: root, no password).
ADMIN_USER = os.environ.get("DB_USER", "root")
ADMIN_PASSWORD = os.environ.get("DB_PASSWORD", "")
NOBODY = 65534


def dump_command():
    return shutil.which("mysqldump") or shutil.which("mariadb-dump")


def client_command():
    return shutil.which("mysql") or shutil.which("mariadb")


def connect(user=ADMIN_USER, password=ADMIN_PASSWORD, database=None):
    kwargs = {"db": database} if database else {}
    return MySQLdb.connect(
        host=DB_HOST,
        port=DB_PORT,
        user=user,
        passwd=password,
        charset="utf8mb4",
        autocommit=True,
        **kwargs,
    )


class BackupSandbox:
    """A scratch database and user, a media folder and a backup folder, and the scripts run
    as an unprivileged user with the environment compose gives the backup service."""

    def __init__(self):
        self.name = "bk_" + secrets.token_hex(5)
        self.password = secrets.token_hex(12)
        self.base = Path(tempfile.mkdtemp(prefix="backup-test-"))
        self.backup_dir = self.base / "backups"
        self.media = self.base / "media"
        self.as_root = os.geteuid() == 0
        self.media.mkdir()
        # The scripts run from a copy: an unprivileged user cannot always reach the checkout
        # (a clone inside a private folder, as CI's may be).
        self.scripts = self.base / "scripts"
        shutil.copytree(SCRIPTS, self.scripts)
        self.base.chmod(0o755)
        self.own(self.base)

    # --- lifecycle --------------------------------------------------------------------

    def create_database(self):
        with contextlib.closing(connect()) as admin, admin.cursor() as cursor:
            cursor.execute(
                f"CREATE DATABASE `{self.name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
            cursor.execute(f"CREATE USER '{self.name}'@'%' IDENTIFIED BY '{self.password}'")
            cursor.execute(f"GRANT ALL ON `{self.name}`.* TO '{self.name}'@'%'")

    def destroy(self):
        with contextlib.closing(connect()) as admin, admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{self.name}`")
            cursor.execute(f"DROP USER IF EXISTS '{self.name}'@'%'")
        shutil.rmtree(self.base, ignore_errors=True)

    def own(self, path):
        """Give a path (recursively) to the user the scripts run as, as the web container's
        files in the media volume belong to `shop`."""
        if not self.as_root:
            return
        path = Path(path)
        os.chown(path, NOBODY, NOBODY)
        if path.is_dir() and not path.is_symlink():
            for parent, dirs, files in os.walk(path):
                for name in dirs + files:
                    os.chown(os.path.join(parent, name), NOBODY, NOBODY, follow_symlinks=False)

    # --- running the scripts ------------------------------------------------------------

    @property
    def env(self):
        return {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": str(self.base),
            "LANG": "C.UTF-8",
            "DB_NAME": self.name,
            "DB_USER": self.name,
            "DB_PASSWORD": self.password,
            "DB_HOST": DB_HOST,
            "DB_PORT": str(DB_PORT),
            "BACKUP_DIR": str(self.backup_dir),
            "MEDIA_ROOT": str(self.media),
        }

    def command(self, shell, script, *args):
        # umask 022 as in a container: the scripts must make their files private themselves.
        command = [
            shell,
            "-c",
            'umask 022; exec "$@"',
            shell,
            shell,
            str(self.scripts / script),
            *args,
        ]
        if self.as_root:
            command = [
                "setpriv",
                f"--reuid={NOBODY}",
                f"--regid={NOBODY}",
                "--clear-groups",
                "--",
                *command,
            ]
        return command

    def run(self, script, *args, env=None, timeout=60):
        return subprocess.run(
            self.command("bash", script, *args),
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def backup(self, env=None):
        result = self.run("backup.sh", env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout.strip().splitlines()[-1]

    def schedule(self, env=None, shell="bash"):
        """schedule.sh as compose starts it (`bash docker/backup/schedule.sh`; it is POSIX sh
        too), its output merged."""
        return subprocess.Popen(
            self.command(shell, "schedule.sh"),
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    # --- the database ---------------------------------------------------------------------

    def sql(self, *statements, as_owner=True):
        user, password = (self.name, self.password) if as_owner else (ADMIN_USER, ADMIN_PASSWORD)
        with contextlib.closing(connect(user, password, self.name)) as db, db.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            return cursor.fetchall()

    def populate(self, products=1500):
        """A small shop-like schema made by the database's own user (as Django's migrations
        are): foreign keys, a view and a trigger, and enough rows for a dump of some size."""
        self.sql(
            "CREATE TABLE category (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL)",
            "CREATE TABLE product (id INT AUTO_INCREMENT PRIMARY KEY, category_id INT NOT NULL,"
            " title VARCHAR(200) NOT NULL, body TEXT NOT NULL, price DECIMAL(10, 2) NOT NULL,"
            " FOREIGN KEY (category_id) REFERENCES category (id))",
            "CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, product_id INT NOT NULL,"
            " note VARCHAR(100) NOT NULL, FOREIGN KEY (product_id) REFERENCES product (id))",
            "CREATE TRIGGER product_audit AFTER INSERT ON product FOR EACH ROW"
            " INSERT INTO audit (product_id, note) VALUES (NEW.id, 'created')",
            "CREATE VIEW product_titles AS SELECT id, title FROM product",
            "INSERT INTO category VALUES (1, 'Silk'), (2, 'Pepper'), (3, 'ក្រមា')",
        )
        db = connect(self.name, self.password, self.name)
        with contextlib.closing(db), db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO product (category_id, title, body, price) VALUES (%s, %s, %s, %s)",
                [
                    (1 + i % 3, f"Product {i} ផលិតផល", secrets.token_hex(100), f"{i}.25")
                    for i in range(products)
                ],
            )

    def fingerprint(self):
        """Everything restore could change in the database: its tables and views with their
        definitions and rows, and its triggers."""
        with contextlib.closing(connect()) as admin, admin.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, table_type FROM information_schema.tables"
                " WHERE table_schema = %s ORDER BY table_name",
                [self.name],
            )
            state = {}
            for table, kind in cursor.fetchall():
                if kind == "VIEW":
                    cursor.execute(f"SHOW CREATE VIEW `{self.name}`.`{table}`")
                    state[table] = ("view", cursor.fetchone()[1])
                else:
                    cursor.execute(f"SHOW CREATE TABLE `{self.name}`.`{table}`")
                    definition = cursor.fetchone()[1]
                    cursor.execute(f"SELECT * FROM `{self.name}`.`{table}` ORDER BY 1")  # noqa: S608
                    state[table] = ("table", definition, cursor.fetchall())
            cursor.execute(
                "SELECT trigger_name, action_statement FROM information_schema.triggers"
                " WHERE trigger_schema = %s ORDER BY trigger_name",
                [self.name],
            )
            state["(triggers)"] = cursor.fetchall()
            return state

    def tables(self):
        return sorted(name for name in self.fingerprint() if name != "(triggers)")

    # --- media ------------------------------------------------------------------------------

    def write_media(self, relative, data, mode=0o644):
        path = self.media / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(mode)
        self.own(self.media)
        return path

    def media_state(self):
        """Every entry under MEDIA_ROOT (hidden ones included) with its type, mode and
        contents, and the identity of MEDIA_ROOT itself (a volume's mount point in compose,
        which cannot be replaced)."""
        state = {}
        for parent, dirs, files in os.walk(self.media):
            for name in dirs + files:
                path = Path(parent, name)
                info = path.lstat()
                relative = str(path.relative_to(self.media))
                if stat.S_ISDIR(info.st_mode):
                    state[relative] = ("dir", stat.S_IMODE(info.st_mode))
                else:
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()
                    state[relative] = ("file", stat.S_IMODE(info.st_mode), digest)
        root = self.media.stat()
        return {"root": (root.st_ino, root.st_dev), "entries": state}

    # --- backups ----------------------------------------------------------------------------

    def files(self, stamp):
        return (
            self.backup_dir / f"db-{stamp}.sql.gz",
            self.backup_dir / f"media-{stamp}.tar.gz",
            self.backup_dir / f"backup-{stamp}.ok",
        )

    def rewrite_manifest(self, stamp):
        """Make the manifest agree with the files as they are now, as if backup.sh had
        written them: for backups whose damage must be caught by a check other than the
        manifest's sums."""
        db_file, media_file, manifest = self.files(stamp)
        lines = [line for line in manifest.read_text().splitlines() if line.startswith("#")]
        for path in (db_file, media_file):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            lines.append(f"{path.name} {path.stat().st_size} {digest}")
        manifest.write_text("\n".join(lines) + "\n")

    def listing(self):
        """Every path under BACKUP_DIR, relative, hidden ones included."""
        return sorted(str(p.relative_to(self.backup_dir)) for p in self.backup_dir.rglob("*"))


class MediaWriter:
    """What checkouts do while a backup runs: QR PNGs keep appearing in media/qrcodes/ and a
    large file keeps growing, so that GNU tar reliably sees a file change while it reads it
    (it compares the file's status before and after reading it)."""

    def __init__(self, sandbox, big_megabytes=24):
        self.sandbox = sandbox
        self.folder = sandbox.media / "qrcodes"
        self.folder.mkdir(exist_ok=True)
        self.big = self.folder / "growing.bin"
        # Random bytes do not compress: gzip takes a while over them, and the writer gets in.
        with open(self.big, "wb") as out:
            for _ in range(big_megabytes):
                out.write(os.urandom(1 << 20))
        sandbox.own(sandbox.media)
        self.created = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._write, daemon=True)

    def _write(self):
        with open(self.big, "ab") as grow:
            while not self._stop.is_set():
                grow.write(os.urandom(4096))
                grow.flush()
                png = self.folder / f"order-{self.created:05d}.png"
                png.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(512))
                png.chmod(0o644)
                self.created += 1
                time.sleep(0.002)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)

"""Start the production stack natively from the project's own files: MariaDB, two gunicorn
instances from docker/gunicorn.conf.py, the worker, and nginx from docker/nginx (rendered for
loopback ports, with a self-signed certificate). What compose runs, without Docker."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
NGINX_DIR = ROOT / "docker" / "nginx"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url, timeout=60, **kwargs):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            response = requests.get(url, timeout=2, allow_redirects=False, **kwargs)
            if response.status_code < 500:
                return response
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer in {timeout} s")


def render_template(text, variables):
    """What the nginx image's envsubst does: replace ${NAME} for the names given."""
    return re.sub(r"\$\{(NGINX_[A-Z_]+)\}", lambda m: variables[m.group(1)], text)


class NativeStack:
    def __init__(self, workdir, database):
        self.dir = Path(workdir)
        self.database = database
        self.processes = {}
        self.logs = {}
        self.http_port, self.https_port = free_port(), free_port()
        self.gunicorn_ports = [free_port(), free_port()]
        self.static_root = self.dir / "static"
        self.media_root = self.dir / "media"
        self.cert = self.dir / "cert.pem"
        self.key = self.dir / "key.pem"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "website.settings.production",
            "SECRET_KEY": "native-stack-test-secret-key-0123456789-abcdefghijklmnop",
            "DEBUG": "False",
            "ALLOWED_HOSTS": "localhost",  # the domain only, as an operator sets it
            "CSRF_TRUSTED_ORIGINS": f"https://localhost:{self.https_port}",
            "SITE_URL": f"https://localhost:{self.https_port}",
            "DB_NAME": database,
            "DB_USER": os.environ.get("DB_USER", "root"),
            "DB_PASSWORD": os.environ.get("DB_PASSWORD", ""),
            "DB_HOST": os.environ.get("DB_HOST", "127.0.0.1"),
            "DB_PORT": os.environ.get("DB_PORT", "3306"),
            "DB_COLLATION": os.environ.get("DB_COLLATION", "utf8mb4_unicode_ci"),
            "STATIC_ROOT": str(self.static_root),
            "MEDIA_ROOT": str(self.media_root),
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "BAKONG_API_BASE_URL": "http://127.0.0.1:9",
            "ALLAUTH_TRUSTED_PROXY_COUNT": "1",
            "GUNICORN_WORKERS": "2",
            "SCHEDULER_INTERVAL_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("DATABASE_URL", None)

    # --- processes --------------------------------------------------------------------

    def run(self, *args, check=True):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=600,
        )

    def start(self, name, command, env=None):
        log = open(self.dir / f"{name}.log", "w")  # noqa: SIM115  (closed in stop)
        self.logs[name] = log
        self.processes[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, name):
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def log(self, name):
        self.logs[name].flush()
        return (self.dir / f"{name}.log").read_text()

    # --- the stack --------------------------------------------------------------------

    def prepare(self):
        self.run("migrate", "--noinput")
        self.run("createcachetable")
        self.run("collectstatic", "--noinput")
        self.run("load_demo")

    def start_gunicorns(self):
        for index, port in enumerate(self.gunicorn_ports):
            env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
            self.start(
                f"gunicorn{index}",
                [sys.executable, "-m", "gunicorn", "--config", "docker/gunicorn.conf.py"],
                env=env,
            )
        for port in self.gunicorn_ports:
            wait_for(f"http://127.0.0.1:{port}/healthz")

    def start_worker(self):
        self.start("worker", [sys.executable, "manage.py", "shop_worker", "--no-startup-delay"])

    def start_nginx(self):
        prefix = self.dir / "nginx"
        (prefix / "conf.d").mkdir(parents=True)
        shop = prefix / "shop"
        shutil.copytree(NGINX_DIR / "shop", shop)
        # Two gunicorn instances on loopback instead of Docker's DNS name for the replicas.
        (shop / "upstream.conf").write_text(
            "".join(
                f"server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;\n"
                for port in self.gunicorn_ports
            )
        )
        shutil.copy(NGINX_DIR / "nginx.conf", prefix / "nginx.conf")
        shutil.copy("/etc/nginx/mime.types", prefix / "mime.types")
        variables = {
            "NGINX_SERVER_NAME": "localhost",
            "NGINX_HTTP_PORT": str(self.http_port),
            "NGINX_HTTPS_PORT": str(self.https_port),
            "NGINX_HTTPS_PORT_SUFFIX": f":{self.https_port}",
            "NGINX_STATIC_ROOT": str(self.static_root),
            "NGINX_MEDIA_ROOT": str(self.media_root),
            "NGINX_ACME_ROOT": str(self.dir / "acme"),
            "NGINX_CERT": str(self.cert),
            "NGINX_CERT_KEY": str(self.key),
            "NGINX_SHOP_DIR": str(shop),
        }
        template = (NGINX_DIR / "templates" / "shop.conf.template").read_text()
        (prefix / "conf.d" / "shop.conf").write_text(render_template(template, variables))
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost",
                "-keyout",
                str(self.key),
                "-out",
                str(self.cert),
            ],
            check=True,
            capture_output=True,
        )
        # The HTTPS server and the plain-HTTP fallback, as the nginx container renders them
        # once the certificate exists.
        subprocess.run(
            ["sh", str(shop / "certificate.sh"), "render"],
            env={**os.environ, **variables, "NGINX_PREFIX": str(prefix)},
            check=True,
            capture_output=True,
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        globals_ = f"daemon off; pid {prefix}/nginx.pid; user root;"
        test = subprocess.run(
            [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", globals_, "-t"],
            capture_output=True,
            text=True,
        )
        if test.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{test.stderr}")
        self.start(
            "nginx", [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", globals_]
        )
        wait_for(f"{self.https}/healthz", verify=str(self.cert))

    @property
    def https(self):
        return f"https://localhost:{self.https_port}"

    @property
    def http(self):
        return f"http://localhost:{self.http_port}"

    def stop(self):
        for name in list(self.processes):
            self.kill(name)
        for log in self.logs.values():
            log.close()

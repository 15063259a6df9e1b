"""The compose file, Dockerfile and nginx template, checked statically (no Docker engine runs
here), and Django's deployment checks with the production settings and .env.example."""

import os
import re
import secrets
import subprocess
import sys

import pytest
import yaml

from tests.deploy.native_stack import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DEV = yaml.safe_load((ROOT / "docker-compose.dev.yml").read_text())
DOCKERFILE = (ROOT / "docker" / "Dockerfile").read_text()
SERVICES = COMPOSE["services"]


def test_the_services_and_volumes_the_seed_describes():
    assert {"nginx", "web", "worker", "db", "migrate", "certbot", "backup"} <= set(SERVICES)
    assert set(COMPOSE["volumes"]) >= {"mysql_data", "static_files", "media_files"}
    assert SERVICES["db"]["image"] == "mysql:8.0"
    assert "mysql_data:/var/lib/mysql" in SERVICES["db"]["volumes"]
    assert SERVICES["db"]["environment"]["MYSQL_DATABASE"].startswith(
        "${DB_NAME:-ecommerceforfinal}"
    )
    assert "--character-set-server=utf8mb4" in SERVICES["db"]["command"]
    collation = next(a for a in SERVICES["db"]["command"] if a.startswith("--collation-server="))
    assert collation.split("=")[1] == SERVICES["web"]["environment"]["DB_COLLATION"]


def test_only_nginx_publishes_ports_to_the_world():
    assert sorted(SERVICES["nginx"]["ports"]) == ["443:443", "80:80"]
    for name, service in SERVICES.items():
        if name == "nginx":
            continue
        # The monitoring pages: on the server's loopback (an SSH tunnel reaches them).
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)
    assert SERVICES["web"]["expose"] == ["8000"]


def test_health_checks_and_start_order():
    for name in ("db", "web", "nginx", "worker"):
        assert SERVICES[name]["healthcheck"]["test"], name
    assert "/readyz" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert SERVICES["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        assert (
            SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )
    assert SERVICES["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"
    for name in ("db", "web", "worker", "nginx"):
        assert SERVICES[name]["restart"] == "unless-stopped"


def test_a_shared_redis_cache_for_every_app_container():
    redis = SERVICES["redis"]
    assert redis["image"].startswith("redis:7")
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert "allkeys-lru" in redis["command"] and "--maxmemory" in redis["command"]
    for name in ("web", "worker", "migrate"):
        assert SERVICES[name]["environment"]["REDIS_URL"] == "${REDIS_URL:-redis://redis:6379/0}"
    for name in ("web", "worker"):
        assert SERVICES[name]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_web_can_scale_out():
    web = SERVICES["web"]
    assert "container_name" not in web and "ports" not in web
    upstream = (ROOT / "docker" / "nginx" / "shop" / "upstream.conf").read_text()
    assert "server web:8000 resolve;" in upstream and "resolver 127.0.0.11" in upstream
    assert SERVICES["nginx"]["image"].startswith("nginx:1.27")  # `resolve` needs nginx 1.27.3+


def test_each_service_gets_only_the_settings_and_secrets_it_uses():
    # No env_file: it would hand every secret in .env to every service.
    for name, service in SERVICES.items():
        assert "env_file" not in service, name
    secrets_of = {
        name: {key for key in service.get("environment", {}) if key in SECRETS}
        for name, service in SERVICES.items()
    }
    assert secrets_of["web"] == {
        "SECRET_KEY",
        "DB_PASSWORD",
        "DATABASE_URL",
        "EMAIL_HOST_PASSWORD",
        "BAKONG_API_TOKEN",
        "S3_SECRET_ACCESS_KEY",
    }
    assert secrets_of["worker"] == secrets_of["web"] | {"TELEGRAM_BOT_TOKEN"}
    assert secrets_of["migrate"] == {
        "SECRET_KEY",
        "DB_PASSWORD",
        "DATABASE_URL",
        "S3_SECRET_ACCESS_KEY",
    }
    assert secrets_of["backup"] == {
        "DB_PASSWORD",
        "BACKUP_S3_SECRET_ACCESS_KEY",
        "BACKUP_ENCRYPTION_PASSPHRASE",
    }
    assert secrets_of["nginx"] == secrets_of["certbot"] == secrets_of["redis"] == set()
    # The root password reaches only the database server.
    assert "DB_ROOT_PASSWORD" in str(SERVICES["db"]["environment"])
    for name in set(SERVICES) - {"db"}:
        assert "DB_ROOT_PASSWORD" not in str(SERVICES[name]), name


SECRETS = {
    "SECRET_KEY",
    "DB_PASSWORD",
    "DATABASE_URL",
    "EMAIL_HOST_PASSWORD",
    "BAKONG_API_TOKEN",
    "TELEGRAM_BOT_TOKEN",
    "DB_ROOT_PASSWORD",
    "S3_SECRET_ACCESS_KEY",
    "BACKUP_S3_SECRET_ACCESS_KEY",
    "BACKUP_ENCRYPTION_PASSPHRASE",
}


def test_nginx_template_variables_are_all_provided():
    nginx = ROOT / "docker" / "nginx"
    template = (nginx / "templates" / "shop.conf.template").read_text()
    template += (nginx / "shop" / "https.conf.in").read_text()
    # One server: static files and media from the volumes (the default NGINX_FILES).
    template += (nginx / "shop" / "files-volumes.conf.in").read_text()
    script = (nginx / "shop" / "certificate.sh").read_text()
    in_templates = set(re.findall(r"\$\{(NGINX_[A-Z_]+)\}", template))
    in_script = set(re.findall(r"\$\{?(NGINX_[A-Z_]+)", script))
    provided = set(SERVICES["nginx"]["environment"])
    assert in_templates <= provided
    assert provided <= in_templates | in_script


def test_https_certificates_from_lets_encrypt():
    certbot = SERVICES["certbot"]
    assert re.fullmatch(r"certbot/certbot:v\d+\.\d+\.\d+", certbot["image"])  # pinned
    script = (ROOT / "docker" / "certbot" / "certbot.sh").read_text()
    assert "certbot certonly --webroot" in script and "certbot renew --webroot" in script
    assert certbot["depends_on"]["nginx"]["condition"] == "service_healthy"
    assert "certbot_www:/var/www/certbot:ro" in SERVICES["nginx"]["volumes"]
    assert "certificate.sh watch" in " ".join(SERVICES["nginx"]["entrypoint"])


def test_the_development_variant():
    assert DEV["services"]["db"]["ports"] == ["3306:3306"]
    assert DEV["services"]["web"]["ports"] == ["8000:8000"]
    assert "runserver" in DEV["services"]["web"]["command"]
    assert DEV["services"]["web"]["env_file"] == ".env.local"


def test_dockerfile_is_multi_stage_slim_non_root_with_a_health_check():
    stages = re.findall(r"^FROM (\S+) AS (\w+)", DOCKERFILE, re.M)
    assert stages == [("python:3.11-slim", "build"), ("python:3.11-slim", "runtime")]
    build, runtime = DOCKERFILE.split("FROM python:3.11-slim AS runtime")
    assert "build-essential" in build and "default-libmysqlclient-dev" in build
    assert "build-essential" not in runtime and "libmysqlclient-dev" not in runtime
    assert re.search(r"^USER shop$", runtime, re.M)
    assert "collectstatic --noinput" in runtime
    assert "HEALTHCHECK" in runtime and "/healthz" in runtime
    assert 'CMD ["gunicorn", "--config", "docker/gunicorn.conf.py"]' in runtime


def test_gunicorn_config_defaults():
    namespace = {}
    exec((ROOT / "docker" / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102
    assert namespace["workers"] == 4 and namespace["worker_class"] == "sync"
    assert namespace["timeout"] == 30 and "%(M)s" in namespace["access_log_format"]
    assert namespace["preload_app"] is True and namespace["max_requests_jitter"] > 0


def test_check_deploy_is_clean_with_the_production_settings_and_env_example():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DB_", "DATABASE_", "DJANGO_"))
    }
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^([A-Z_]+)=(.*)$", line)
        if match:
            name, value = match.groups()
            # Every change-me placeholder replaced, as docs/operations.md tells the operator.
            env[name] = secrets.token_urlsafe(50) if value.startswith("change-me") else value
    env["DJANGO_SETTINGS_MODULE"] = "website.settings.production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_worker_health_check_can_fail():
    assert "worker_health" in SERVICES["worker"]["healthcheck"]["test"]


@pytest.mark.parametrize("script", ["backup.sh", "restore.sh", "schedule.sh"])
def test_backup_scripts_are_valid_shell(script):
    shell = "sh" if script == "schedule.sh" else "bash"
    subprocess.run([shell, "-n", str(ROOT / "docker" / "backup" / script)], check=True)


def test_monitoring_on_one_server_is_a_profile_with_the_stacks_images_and_files():
    stack = yaml.safe_load((ROOT / "docker-stack.yml").read_text())["services"]
    for name, port in (("prometheus", "9090"), ("alertmanager", "9093")):
        service = SERVICES[name]
        assert service["profiles"] == ["monitoring"]  # off unless asked for
        assert service["image"] == stack[name]["image"]
        assert service["ports"] == [f"127.0.0.1:{port}:{port}"]  # the server's loopback only
    mounted = " ".join(SERVICES["prometheus"]["volumes"] + SERVICES["alertmanager"]["volumes"])
    for path in ("prometheus/prometheus.yml", "prometheus/alerts.yml", "alertmanager.yml"):
        assert f"./docker/{path}" in mounted or path.split("/")[-1] in mounted
    # Prometheus reads the token the web and worker containers check.
    assert COMPOSE["secrets"]["metrics_token"] == {"environment": "METRICS_TOKEN"}
    for name in ("web", "worker"):
        assert "METRICS_TOKEN" in SERVICES[name]["environment"]
    assert "METRICS_TOKEN" not in SERVICES["nginx"].get("environment", {})


@pytest.mark.parametrize(
    "name",
    ["docker-compose.yml", "docker-compose.dev.yml", "docker-stack.yml", "docker/swarm/mysql.yml"],
)
def test_every_dollar_is_a_variable_or_escaped(name):
    """Compose and `docker stack deploy` read `$x` and `${x}` as variables and refuse any other
    `$` ("invalid interpolation format"): a regular expression's `$` is written `$$`."""
    text = (ROOT / name).read_text()
    stray = [
        (number, line)
        for number, line in enumerate(text.splitlines(), 1)
        if re.search(r"(?<!\$)\$(?![{$A-Za-z_])", line.replace("$$", ""))
    ]
    assert stray == [], stray

"""docker-stack.yml (several servers, Docker Swarm), checked statically. tests/swarm deploys it
on a real swarm; these checks hold the rules that make it work on any swarm: no shared disk,
no virtual IPs, secrets never in the environment, updates that start before they stop."""

import re

import yaml

from tests.deploy.native_stack import ROOT

STACK = yaml.safe_load((ROOT / "docker-stack.yml").read_text())
MYSQL = yaml.safe_load((ROOT / "docker" / "swarm" / "mysql.yml").read_text())
SERVICES = STACK["services"]
APP_SERVICES = ("migrate", "web", "worker", "backup")


def test_no_service_needs_a_disk_shared_between_servers():
    for name, service in {**SERVICES, **MYSQL["services"]}.items():
        for volume in service.get("volumes", []):
            if isinstance(volume, dict):
                kind, source = volume.get("type", "volume"), volume.get("source", "")
            else:
                kind, source = "volume", volume.split(":")[0]
            if name == "node-exporter":
                # It reads the disks of the server it runs on (one task per server), read-only:
                # its own server's figures, nothing another server wrote.
                assert (kind, source, volume.get("read_only")) == ("bind", "/", True), volume
                assert service["deploy"]["mode"] == "global"
                continue
            assert kind == "tmpfs" or not str(source).startswith((".", "/")), (name, volume)
    # The named volumes that exist are pinned to one labelled server with their service.
    for name in ("backup", "prometheus", "alertmanager"):
        constraints = SERVICES[name]["deploy"]["placement"]["constraints"]
        assert any(c.startswith("node.labels.shop.") for c in constraints), name
    assert MYSQL["services"]["db"]["deploy"]["placement"]["constraints"] == [
        "node.labels.shop.db == true"
    ]


def test_services_are_found_by_dns_without_a_virtual_ip():
    for name, service in {**SERVICES, **MYSQL["services"]}.items():
        if name == "migrate":
            continue  # a job: nothing connects to it
        assert service["deploy"].get("endpoint_mode") == "dnsrr", name
    upstream = (ROOT / "docker" / "nginx" / "shop" / "upstream.conf").read_text()
    assert "server web:8000 resolve;" in upstream


def test_nginx_is_on_every_server_on_its_own_ports():
    nginx = SERVICES["nginx"]
    assert nginx["deploy"]["mode"] == "global"
    assert {(p["target"], p["mode"]) for p in nginx["ports"]} == {(80, "host"), (443, "host")}
    # Its health is its own: not restarted while the web tasks behind it are down.
    assert "/nginx-healthz" in " ".join(nginx["healthcheck"]["test"])


def test_web_rolls_out_new_tasks_before_stopping_old_ones():
    deploy = SERVICES["web"]["deploy"]
    assert deploy["update_config"]["order"] == "start-first"
    assert deploy["update_config"]["failure_action"] == "rollback"
    assert deploy["rollback_config"]["order"] == "start-first"
    # Alive, not ready: a database outage must not have Swarm replace every web task.
    assert SERVICES["web"]["healthcheck"]["test"][-1].endswith("/healthz")
    # The migrations run once per deploy; new web and worker tasks wait for them.
    assert SERVICES["migrate"]["deploy"]["mode"] == "replicated-job"
    assert SERVICES["migrate"]["healthcheck"] == {"disable": True}
    for name in ("web", "worker"):
        assert SERVICES[name]["environment"]["SHOP_WAIT_FOR_MIGRATIONS"] == "1"
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    assert "migrate --check" in entrypoint


def test_secrets_are_docker_secrets_never_settings():
    secret_names = set(STACK["secrets"]) | set(MYSQL["secrets"])
    assert all(STACK["secrets"][name] == {"external": True} for name in STACK["secrets"])
    secret_variables = {
        "SECRET_KEY",
        "DB_PASSWORD",
        "EMAIL_HOST_PASSWORD",
        "BAKONG_API_TOKEN",
        "TELEGRAM_BOT_TOKEN",
        "S3_SECRET_ACCESS_KEY",
        "METRICS_TOKEN",
        "BACKUP_ENCRYPTION_PASSPHRASE",
    }
    example = (ROOT / "docker" / "stack.env.example").read_text()
    for line in example.splitlines():
        key = line.split("=", 1)[0]
        assert key not in secret_variables, f"{key} belongs in a Docker secret"
    for name in APP_SERVICES:
        environment = SERVICES[name]["environment"]
        assert not secret_variables & set(environment), name
        mounted = {
            secret if isinstance(secret, str) else secret["source"]
            for secret in SERVICES[name]["secrets"]
        }
        for variable, path in environment.items():
            if variable.endswith("_FILE") and path.startswith("/run/secrets/"):
                assert path.removeprefix("/run/secrets/") in mounted, (name, variable)
        assert mounted <= secret_names


def test_stack_env_example_names_only_settings_the_shop_reads():
    documented = (ROOT / ".env.example").read_text()
    example = (ROOT / "docker" / "stack.env.example").read_text()
    for line in example.splitlines():
        if line and not line.startswith("#"):
            key = line.split("=", 1)[0]
            assert re.search(rf"^#? ?{key}=", documented, re.M), f"{key} is not in .env.example"


def test_nginx_template_variables_are_all_provided_on_several_servers():
    nginx = ROOT / "docker" / "nginx"
    template = (nginx / "templates" / "shop.conf.template").read_text()
    template += (nginx / "shop" / "https.conf.in").read_text()
    template += (nginx / "shop" / "files-proxied.conf.in").read_text()
    in_templates = set(re.findall(r"\$\{(NGINX_[A-Z_]+)\}", template))
    provided = set(SERVICES["nginx"]["environment"])
    # certificate.sh derives these from NGINX_MEDIA_BUCKET_URL (and a default resolver).
    derived = {"NGINX_MEDIA_BUCKET_ORIGIN", "NGINX_MEDIA_BUCKET_PATH"}
    assert in_templates <= provided | derived
    assert SERVICES["nginx"]["environment"]["NGINX_FILES"] == "proxied"
    dockerfile = (nginx / "Dockerfile").read_text()
    assert "COPY docker/nginx/shop/ /etc/nginx/shop/" in dockerfile


def test_the_managed_database_override_gives_every_connecting_service_the_ca():
    managed = yaml.safe_load((ROOT / "docker" / "swarm" / "managed-mysql.yml").read_text())
    for name in APP_SERVICES:
        # An override replaces the list: it must keep every secret the service had.
        original = {s if isinstance(s, str) else s["source"] for s in SERVICES[name]["secrets"]}
        assert set(managed["services"][name]["secrets"]) == original | {"shop_db_ca"}, name
    example = (ROOT / "docker" / "stack.env.example").read_text()
    assert "DB_SSL_CA=/run/secrets/shop_db_ca" in example

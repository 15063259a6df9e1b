"""nginx's own health check (/nginx-healthz, docker-stack.yml) follows its certificate: on
several servers the certificate is a Docker secret, and an nginx left without one (a renewal
that named the wrong secret) must be unhealthy so that Swarm rolls the update back, instead of
rolling it on to every server with HTTPS off."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docker" / "nginx" / "shop" / "certificate.sh"


def render(prefix, cert, key):
    (prefix / "conf.d").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "NGINX_PREFIX": str(prefix),
        "NGINX_CERT": str(cert),
        "NGINX_CERT_KEY": str(key),
        "NGINX_SHOP_DIR": str(SCRIPT.parent),
        "NGINX_SERVER_NAME": "shop.example.com",
        "NGINX_HTTPS_PORT": "443",
    }
    subprocess.run(["sh", str(SCRIPT), "render"], env=env, check=True, capture_output=True)
    return (prefix / "conf.d" / "shop-health.inc").read_text()


def test_healthy_only_with_a_certificate(tmp_path):
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    assert render(tmp_path, cert, key).startswith("return 503 ")
    assert (tmp_path / "conf.d" / "shop-https.inc").read_text() == ""
    cert.write_text("certificate\n")
    key.write_text("key\n")
    assert render(tmp_path, cert, key).strip() == 'return 200 "ok\\n";'
    # The certificate goes missing again: unhealthy again.
    cert.unlink()
    assert render(tmp_path, cert, key).startswith("return 503 ")


def test_the_health_location_uses_what_certificate_sh_writes():
    template = (ROOT / "docker" / "nginx" / "templates" / "shop.conf.template").read_text()
    location = template.split("location = /nginx-healthz {", 1)[1].split("}", 1)[0]
    assert "include conf.d/shop-health.inc;" in location

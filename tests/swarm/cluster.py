"""A Docker Swarm of three "servers" on this one machine, and the shop's stack on it.

Each server is a privileged container running Debian's Docker engine (tests/deploy/standins/
swarm-node), on a bridge network of its own; the three form a swarm (one manager, two
workers) and pull images from a registry container on the same network, as real servers pull
from the operator's registry. The test drives the swarm the way an operator drives it from a
workstation: the docker CLI against the manager's API (published on loopback), with
`docker stack deploy` of the unchanged docker-stack.yml and docker/swarm/mysql.yml, plus one
override file (override.yml beside this module) for what a real deployment would not have:
stand-ins for the media bucket, Bakong and the mail server. Shoppers reach nginx on each
server's ports 80 and 443, published on loopback.
"""

import json
import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path

from tests.compose.stack import DOMAIN, NoRedirectSession, copy_repository, free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PREFIX = "shopswarm"
NODES = ("node1", "node2", "node3")
STACK = "shop"
REGISTRY = "registry:5000"  # as the nodes know it
# What a Docker engine inside a container needs. Not --privileged: that asks for every
# capability, and the test machines' own container lacks CAP_SYS_RESOURCE, so runc refuses
# ("unable to apply caps"). Every other capability, no seccomp or AppArmor filter, /proc and
# /sys writable, every device, and the machine's cgroups (version 1 here) do the same job.
NODE_PRIVILEGES = (
    "--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE",
    "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
    "--security-opt", "systempaths=unconfined", "--device-cgroup-rule", "a *:* rwm",
    "-v", "/sys/fs/cgroup:/sys/fs/cgroup",
)  # fmt: skip


def run(command, check=True, timeout=900, env=None, **kwargs):
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        **kwargs,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, command))} exited {result.returncode}:\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


class Cluster:
    def __init__(self, workdir):
        self.dir = Path(workdir)
        self.network = f"{PREFIX}-net"
        self.registry_port = free_port()
        self.ports = {
            node: {"api": free_port(), "http": free_port(), "https": free_port()} for node in NODES
        }
        self.secrets = {}
        self.env = {}

    def attach(self):
        """Carry on with servers a run left (SHOP_SWARM_KEEP=1): their published ports."""

        def published(container, port):
            out = run(["docker", "port", container, str(port)]).stdout.split()[0]
            return int(out.rsplit(":", 1)[1])

        for node in NODES:
            for kind, port in (("api", 2375), ("http", 80), ("https", 443)):
                self.ports[node][kind] = published(self.container(node), port)
        self.registry_port = published(f"{PREFIX}-registry", 5000)

    # --- the servers ----------------------------------------------------------------------

    def container(self, node):
        return f"{PREFIX}-{node}"

    def destroy(self):
        names = [self.container(node) for node in NODES] + [f"{PREFIX}-registry"]
        run(["docker", "rm", "-f", "-v", *names], check=False)
        volumes = [f"{PREFIX}-{node}-docker" for node in NODES] + [f"{PREFIX}-registry-data"]
        run(["docker", "volume", "rm", "-f", *volumes], check=False)
        run(["docker", "network", "rm", self.network], check=False)

    def start_servers(self):
        run(["docker", "network", "create", "--subnet", "172.31.240.0/24", self.network])
        run(
            [
                "docker", "run", "-d", "--name", f"{PREFIX}-registry", "--network", self.network,
                "--network-alias", "registry", "-v", f"{PREFIX}-registry-data:/var/lib/docker-registry",
                "-p", f"127.0.0.1:{self.registry_port}:5000", "registry:2",
            ]
        )  # fmt: skip
        for node in NODES:
            ports = self.ports[node]
            run(
                [
                    "docker", "run", "-d", "--name", self.container(node),
                    "--hostname", node, "--network", self.network, *NODE_PRIVILEGES,
                    "-v", f"{PREFIX}-{node}-docker:/var/lib/docker",
                    "-p", f"127.0.0.1:{ports['api']}:2375",
                    "-p", f"127.0.0.1:{ports['http']}:80",
                    "-p", f"127.0.0.1:{ports['https']}:443",
                    "standin/swarm-node",
                ]
            )  # fmt: skip
        for node in NODES:
            wait_for(
                lambda node=node: self.docker(node, "info", check=False).returncode == 0,
                120,
                lambda node=node: (
                    f"{node}'s Docker engine did not start:\n"
                    + run(
                        ["docker", "logs", "--tail", "30", self.container(node)], check=False
                    ).stderr
                ),
            )

    def address(self, node):
        return run(
            [
                "docker", "inspect", "-f",
                f'{{{{(index .NetworkSettings.Networks "{self.network}").IPAddress}}}}',
                self.container(node),
            ]
        ).stdout.strip()  # fmt: skip

    def docker(self, node, *args, check=True, timeout=900, env=None):
        """The docker CLI against one server's engine (its API, published on loopback)."""
        return run(
            ["docker", *args],
            check=check,
            timeout=timeout,
            env={
                **os.environ,
                **(env or {}),
                "DOCKER_HOST": f"tcp://127.0.0.1:{self.ports[node]['api']}",
            },
            cwd=self.dir,
        )

    def manager(self, *args, **kwargs):
        return self.docker("node1", *args, **kwargs)

    def form_swarm(self):
        self.manager(
            "swarm", "init", "--advertise-addr", self.address("node1"),
            "--default-addr-pool", "10.220.0.0/16",
        )  # fmt: skip
        token = self.manager("swarm", "join-token", "-q", "worker").stdout.strip()
        for node in NODES[1:]:
            self.docker(node, "swarm", "join", "--token", token, f"{self.address('node1')}:2377")
        # What docs/operations.md tells an operator to label: the database, its backups and
        # the monitoring stay on the first server.
        self.manager(
            "node", "update", "--label-add", "shop.db=true", "--label-add", "shop.backup=true",
            "--label-add", "shop.monitoring=true", "node1",
        )  # fmt: skip

    def nodes(self):
        lines = self.manager(
            "node", "ls", "--format", "{{.Hostname}} {{.Status}} {{.Availability}}"
        )
        return dict(line.split(" ", 1) for line in lines.stdout.splitlines())

    # --- images -----------------------------------------------------------------------------

    def push(self, local, name):
        """Push a local image to the registry; the name the nodes pull it by."""
        pushed = f"127.0.0.1:{self.registry_port}/{name}"
        run(["docker", "tag", local, pushed])
        run(["docker", "push", pushed], timeout=1800)
        return f"{REGISTRY}/{name}"

    # --- the stack --------------------------------------------------------------------------

    def prepare(self):
        copy_repository(self.dir)
        shutil.copy(HERE / "override.yml", self.dir / "override.yml")

    def create_secrets(self, values):
        self.secrets = dict(values)
        for name, value in values.items():
            run(
                ["docker", "secret", "create", name, "-"],
                input=value + "\n",
                env={**os.environ, "DOCKER_HOST": f"tcp://127.0.0.1:{self.ports['node1']['api']}"},
            )

    def write_stack_env(self, overrides):
        """stack.env as docs/operations.md says to make it: docker/stack.env.example copied,
        each setting the example leaves for the operator filled in."""
        lines = []
        pending = dict(overrides)
        for line in (self.dir / "docker" / "stack.env.example").read_text().splitlines():
            key, sep, _value = line.partition("=")
            if sep and not line.startswith("#") and key in pending:
                line = f"{key}={pending.pop(key)}"
            lines.append(line)
        lines += [f"{key}={value}" for key, value in pending.items()]
        (self.dir / "stack.env").write_text("\n".join(lines) + "\n")

    def deploy(self, **variables):
        self.env.update(variables)
        return self.manager(
            "stack", "deploy", "--with-registry-auth", "--detach=true",
            "-c", "docker-stack.yml", "-c", "docker/swarm/mysql.yml", "-c", "override.yml", STACK,
            env=self.env,
        )  # fmt: skip

    def tasks(self, service, running_only=True):
        args = ["service", "ps", f"{STACK}_{service}", "--no-trunc", "--format", "{{json .}}"]
        if running_only:
            args += ["--filter", "desired-state=running"]
        out = self.manager(*args, check=False).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def running_tasks(self, service):
        return [t for t in self.tasks(service) if t["CurrentState"].startswith("Running")]

    def service(self, service):
        out = self.manager("service", "inspect", f"{STACK}_{service}").stdout
        return json.loads(out)[0]

    def container_of(self, service, node=None):
        """(node, container id) of a running task of the service, on the given node if asked."""
        for task in self.running_tasks(service):
            if node and task["Node"] != node:
                continue
            ids = self.docker(
                task["Node"], "ps", "-q", "--filter", f"label=com.docker.swarm.task.id={task['ID']}"
            ).stdout.split()
            if ids:
                return task["Node"], ids[0]
        raise AssertionError(f"no running {service} task" + (f" on {node}" if node else ""))

    def exec(self, service, *command, node=None, check=True, timeout=600):
        where, container = self.container_of(service, node)
        return self.docker(where, "exec", container, *command, check=check, timeout=timeout)

    def shell(self, code, node=None):
        """Python run by Django's shell in a web task (on the given server); what it prints."""
        return self.exec(
            "web", "python", "manage.py", "shell", "--no-imports", "-c", code, node=node
        ).stdout.strip()

    def service_logs(self, service, since=None):
        args = ["service", "logs", "--no-trunc"]
        if since:
            args += ["--since", since]
        result = self.manager(*args, f"{STACK}_{service}", check=False, timeout=120)
        return result.stdout + result.stderr

    def remove_stack(self):
        self.manager("stack", "rm", STACK, check=False)

    # --- talking to it like a browser -------------------------------------------------------

    def https(self, node):
        return f"https://127.0.0.1:{self.ports[node]['https']}"

    def session(self):
        session = NoRedirectSession()
        session.trust_env = False
        session.verify = False
        session.headers["Host"] = DOMAIN
        session.headers["Referer"] = f"https://{DOMAIN}/"
        return session


def self_signed_certificate(workdir):
    certs = Path(workdir) / "certs"
    certs.mkdir(exist_ok=True)
    run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", f"/CN={DOMAIN}", "-addext", f"subjectAltName=DNS:{DOMAIN}",
            "-keyout", str(certs / "privkey.pem"), "-out", str(certs / "fullchain.pem"),
        ]
    )  # fmt: skip
    return (certs / "fullchain.pem").read_text(), (certs / "privkey.pem").read_text()


def random_secret():
    return secrets.token_urlsafe(48)


__all__ = ["DOMAIN", "Cluster", "random_secret", "self_signed_certificate", "time", "wait_for"]

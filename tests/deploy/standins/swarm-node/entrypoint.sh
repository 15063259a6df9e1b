#!/bin/sh
# Starts the node's Docker engine: the API on the node's own network (the test drives the
# swarm through the manager's API, as an operator's `docker context` would), the local
# registry trusted over plain HTTP (NODE_INSECURE_REGISTRY, the only registry the nodes can
# reach), and Docker's default address pools moved away from the host's own.
set -eu
# With cgroup v2, move this shell out of the root cgroup so the engine can delegate
# controllers to its containers (as the official docker:dind image does).
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    mkdir -p /sys/fs/cgroup/init
    xargs -rn1 < /sys/fs/cgroup/cgroup.procs > /sys/fs/cgroup/init/cgroup.procs 2>/dev/null || :
    sed -e 's/ / +/g' -e 's/^/+/' < /sys/fs/cgroup/cgroup.controllers \
        > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || :
fi
mkdir -p /etc/docker
cat > /etc/docker/daemon.json <<JSON
{
  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"],
  "insecure-registries": ["${NODE_INSECURE_REGISTRY:-registry:5000}"],
  "storage-driver": "overlay2",
  "default-address-pools": [{"base": "10.210.0.0/16", "size": 24}],
  "log-driver": "json-file",
  "log-opts": {"max-size": "10m", "max-file": "2"}
}
JSON
exec dockerd

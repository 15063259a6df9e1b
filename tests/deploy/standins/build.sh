#!/usr/bin/env bash
# Local stand-ins for the container images docker-compose.yml names, built from Debian
# packages because no container registry can be reached from the test machines. Test tooling
# only: the shipped Dockerfile and compose file are used unchanged, and these images are
# tagged with the names they use (python:3.11-slim, mysql:8.0, nginx:1.27-alpine,
# redis:7-alpine, certbot/certbot:<pinned>, and the monitoring profile's prom/prometheus,
# prom/alertmanager and prom/node-exporter).
#
#   build.sh base RELEASE...    debootstrap a minimal Debian (bookworm, trixie, forky) once,
#                               imported as standin/debian:RELEASE
#   build.sh images             every stand-in image the compose file names (the bases first)
#   build.sh swarm              those, plus what the Swarm test needs: the registry:2 stand-in
#                               and the swarm node image (Debian's
#                               Docker engine in a container, one per simulated server)
#   build.sh clean              forget the cached bases and images (a cold run)
#
# Cached between runs: the debootstrap folders' packages in $STANDIN_CACHE/debs, each base
# as a Docker image, each stand-in as a Docker image labelled with the hash of its recipe
# (rebuilt only when the recipe changes).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${STANDIN_CACHE:-/var/cache/shop-ci}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
python_home="${STANDIN_PYTHON:-$(command -v pyenv >/dev/null && pyenv root || echo /root/.pyenv)/versions/3.11.7}"
mkdir -p "$cache/debs"

say() { printf '\033[1;36m--> stand-ins:\033[0m %s\n' "$*"; }

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

base() {
    local release="$1" tag="standin/debian:$1" script=""
    have_image "$tag" && return 0
    # debootstrap knows releases newer than itself through the sid script.
    [ -e "/usr/share/debootstrap/scripts/$release" ] || script=/usr/share/debootstrap/scripts/sid
    local root
    root="$(mktemp -d "$cache/rootfs-$release.XXXX")"
    say "debootstrap $release (minbase)"
    local started=$SECONDS
    debootstrap --variant=minbase --cache-dir="$cache/debs" "$release" "$root" "$mirror" $script \
        >"$cache/debootstrap-$release.log" 2>&1 \
        || { tail -20 "$cache/debootstrap-$release.log" >&2; rm -rf "$root"; return 1; }
    # A container's apt keeps what it downloads (the tests mount a shared cache there).
    rm -f "$root/etc/apt/apt.conf.d/docker-clean"
    # The mirror these machines reach serves a snapshot whose Release files may be past
    # their Valid-Until date; this machine's apt is configured the same way.
    printf 'Acquire::Check-Valid-Until "false";\nAcquire::Check-Date "false";\n' \
        >"$root/etc/apt/apt.conf.d/99test-machine"
    tar -C "$root" -c . | docker import -c 'CMD ["bash"]' -c 'ENV LANG=C.UTF-8' - "$tag" >/dev/null
    rm -rf "$root"
    say "standin/debian:$release ready in $((SECONDS - started)) s"
}

recipe_hash() {  # the stand-in's recipe: its folder and this script
    (cd "$here" && cat build.sh "$1"/* | sha256sum | cut -c1-16)
}

image() {
    local name="$1" tag="$2" release="$3" hash
    hash="$(recipe_hash "$name")"
    if [ "$(docker image inspect -f '{{ index .Config.Labels "shop.standin" }}' "$tag" 2>/dev/null)" = "$hash" ]; then
        return 0
    fi
    base "$release"
    local context
    context="$(mktemp -d)"
    cp -r "$here/$name/." "$context/"
    if [ "$name" = python ]; then
        python_tree "$context/python.tar"
        cp /etc/ssl/certs/ca-certificates.crt "$context/ca-bundle.crt"
    fi
    say "building $tag from Debian $release"
    local started=$SECONDS
    docker build -q --force-rm --label "shop.standin=$hash" --build-arg "BASE=standin/debian:$release" \
        -t "$tag" "$context" >/dev/null
    rm -rf "$context"
    say "$tag ready in $((SECONDS - started)) s"
}

python_tree() {
    # The machine's CPython 3.11 build, relocated to /usr/local as the python image has it:
    # the interpreter, the standard library, headers, and pip/setuptools without the other
    # packages installed into it on this machine.
    local out="$1" site="lib/python3.11/site-packages"
    (cd "$python_home" && tar -cf "$out" \
        --exclude="$site/*" --exclude='__pycache__' --exclude='lib/python3.11/test' \
        bin/python3.11 include/python3.11 lib/libpython3.11.so* lib/pkgconfig lib/python3.11 \
        && tar -rf "$out" --exclude='__pycache__' "$site"/pip "$site"/pip-*.dist-info \
            "$site"/setuptools "$site"/setuptools-*.dist-info "$site"/pkg_resources \
            "$site"/_distutils_hack "$site"/distutils-precedence.pth)
}

images() {
    local started=$SECONDS
    image python python:3.11-slim bookworm
    image mysql mysql:8.0 forky
    image nginx nginx:1.27-alpine forky
    image redis redis:7-alpine forky
    image certbot "$(certbot_tag)" forky
    image prometheus prom/prometheus:v3.5.0 forky
    image alertmanager prom/alertmanager:v0.28.1 forky
    image node-exporter prom/node-exporter:v1.9.1 forky
    say "all stand-ins ready ($((SECONDS - started)) s)"
}

swarm() {
    local started=$SECONDS
    images
    image registry registry:2 bookworm
    image swarm-node standin/swarm-node bookworm
    say "swarm stand-ins ready ($((SECONDS - started)) s)"
}

certbot_tag() {  # the tag docker-compose.yml pins
    grep -oE 'image: *certbot/certbot:[^ ]+' "$here/../../../docker-compose.yml" | head -1 | sed 's/image: *//'
}

clean() {
    docker image rm -f python:3.11-slim mysql:8.0 nginx:1.27-alpine redis:7-alpine "$(certbot_tag)" \
        registry:2 prom/prometheus:v3.5.0 prom/alertmanager:v0.28.1 prom/node-exporter:v1.9.1 standin/swarm-node \
        standin/debian:bookworm standin/debian:trixie standin/debian:forky >/dev/null 2>&1 || true
    rm -rf "$cache/debs"
}

case "${1:-images}" in
    base) shift; for release in "$@"; do base "$release"; done ;;
    images) images ;;
    swarm) swarm ;;
    clean) clean ;;
    *) echo "usage: $0 base RELEASE... | images | swarm | clean" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# The README's quick start on fresh platforms (issue 11): what a new developer types, on
# each Debian and Ubuntu release the shop supports, with that release's own Python.
#
#   tests/platforms/run.sh debian12   a fresh Debian 12 container (Python 3.11.2): bin/dev
#                                     serves the home page, a product page and the admin login;
#                                     then requirements-dev.txt installs there too
#   tests/platforms/run.sh debian13   the same on Debian 13 (Python 3.13), then in the same
#                                     container bin/test's non-browser tests against MariaDB
#   tests/platforms/run.sh py312      bin/test's non-browser tests on Python 3.12 (the one
#                                     Ubuntu 24.04 has) in .venv-py312, against MariaDB
#
# Extra arguments go to pytest (debian13, py312). Test tooling only: nothing here ships.
#
# Each run gets a copy of the repository as a clone has it: its HEAD commit
# (SHOP_PLATFORM_SOURCE=worktree takes the tracked files as they are in the working tree
# instead), never its .venv or node_modules. The containers (standin/debian:RELEASE, made by
# tests/deploy/standins/build.sh from Debian's archive) share this machine's
# network to reach PyPI and Debian's archive, and with it the host's MariaDB on 127.0.0.1:3306
# (root, no password, as .ci/run leaves it). Downloads are cached between runs:
# $SHOP_CI_CACHE/apt-RELEASE holds apt's packages, $SHOP_CI_CACHE/pip pip's cache (the
# wheels it built) and a wheelhouse of the packages it downloaded.
#
# Environment: SHOP_CI_CACHE (/var/cache/shop-ci), SHOP_CI_CA_BUNDLE (this machine's CA
# bundle, mounted read-only for pip and npm in the containers), PORT and SANDBOX_PORT
# (8000 and 8001, or free ones if those are taken), DB_HOST, DB_PORT, DB_USER, DB_PASSWORD.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

target="${1:-}"
shift || true
cache="${SHOP_CI_CACHE:-/var/cache/shop-ci}"
ca_bundle="${SHOP_CI_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
export DB_HOST="${DB_HOST:-127.0.0.1}" DB_PORT="${DB_PORT:-3306}" DB_USER="${DB_USER:-root}"
export DB_PASSWORD="${DB_PASSWORD:-}" DB_COLLATION=utf8mb4_unicode_ci
started=$SECONDS

say() { printf '\033[1;35m==> platforms %s:\033[0m %s\n' "$target" "$*"; }
fail() {
    printf '\033[1;31m==> platforms %s: FAILED:\033[0m %s\n' "$target" "$*" >&2
    exit 1
}

# The suite without its browser tests (-m "not e2e") and without the tests of the production
# deployment that start their own servers natively: nginx and gunicorn (test_native_stack),
# private MariaDB servers (test_database_restart, test_database_tls) and the backup scripts
# run as another user (test_backup_scripts). Production runs the Docker image on Python 3.11,
# which .ci/run's main suite tests with all of these; test_compose_files (static checks and
# Django's deployment check) runs everywhere, so it stays.
non_browser_tests() {  # the pytest arguments for that, from the files in the tar $1
    local file
    NON_BROWSER=(-m "not e2e")
    for file in $(tar -tf "$1" | grep -E '^tests/deploy/test_[^/]*\.py$'); do
        [ "$file" = tests/deploy/test_compose_files.py ] || NON_BROWSER+=("--ignore=$file")
    done
}

source_files() {  # a tar of the repository as a clone of it has it: HEAD, or see below
    if [ "${SHOP_PLATFORM_SOURCE:-HEAD}" = worktree ]; then
        # Tracked files as they are in the working tree (deleted ones left out).
        git ls-files -z | while IFS= read -r -d '' file; do
            [ -e "$file" ] || [ -L "$file" ] && printf '%s\0' "$file"
        done | tar --null -T - -cf "$1"
    else
        git archive --format=tar -o "$1" HEAD
    fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {  # the wanted port if nothing listens on it, else a free one from 18000 on
    local port="$1"
    port_free "$port" && { echo "$port"; return; }
    for port in $(seq 18000 18999); do
        port_free "$port" && port_free "$((port + 1000))" && { echo "$port"; return; }
    done
    fail "no free port"
}

fresh_database() {  # a utf8mb4 database for the suite, and no test database left over
    local name="$1" mysql=(mysql -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER")
    command -v mysql >/dev/null || fail "the mysql client is needed to create $name"
    MYSQL_PWD="$DB_PASSWORD" "${mysql[@]}" -e "CREATE DATABASE IF NOT EXISTS $name
        CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; DROP DATABASE IF EXISTS test_$name"
}

closing() {  # the wall time, then pytest's own summary line again as the last line
    local log="$1" status="$2"
    say "wall time $((SECONDS - started)) s (pytest exit status $status)"
    grep -E '^=+ .*(passed|failed|error|no tests ran).* =+$' "$log" | tail -1 || true
}

# --- py312: the suite on Python 3.12 in its own virtual environment ---------------------

run_py312() {
    local python="${PY312:-/root/.pyenv/versions/3.12.1/bin/python}" log status
    [ -x "$python" ] || fail "no Python 3.12 at $python (set PY312)"
    fresh_database shop_py312
    log="$(mktemp)"
    # In a copy of the repository (as the containers get it), with the virtual environment
    # kept here between runs.
    copy="$(mktemp -d)"
    source_files "$copy/shop.tar"
    non_browser_tests "$copy/shop.tar"
    tar -C "$copy" -xf "$copy/shop.tar" && rm "$copy/shop.tar"
    say "bin/test on $("$python" --version) in .venv-py312 against MariaDB (shop_py312)"
    set +e
    (cd "$copy" && PYTHON="$python" SHOP_VENV="$root/.venv-py312" SHOP_SETUP_BROWSER=0 DB_NAME=shop_py312 \
        SHOP_TESTS_FORBID_SKIPS=1 SHOP_TESTS_REQUIRE_MYSQL=1 \
        bin/test "${NON_BROWSER[@]}" -p no:cacheprovider "$@") 2>&1 | tee "$log"
    status="${PIPESTATUS[0]}"
    set -e
    rm -rf "$copy"
    closing "$log" "$status"
    rm -f "$log"
    return "$status"
}

# --- debian12, debian13: fresh containers ---------------------------------------------

container=""
cleanup() {
    [ -n "$container" ] && docker rm -f "$container" >/dev/null 2>&1
    [ -n "${source_tar:-}" ] && rm -f "$source_tar"
    return 0
}
trap cleanup EXIT

in_box() { docker exec -i "$container" "$@"; }
as_user() {  # a login as the developer, in the clone
    docker exec -i -u debian -w /home/debian/shop -e HOME=/home/debian \
        -e PIP_CERT=/etc/ssl/certs/shop-ci-ca.crt -e NODE_EXTRA_CA_CERTS=/etc/ssl/certs/shop-ci-ca.crt \
        -e PIP_FIND_LINKS=/home/debian/.cache/pip/wheelhouse "$container" "$@"
}

keep_downloads() {
    # pip's HTTP cache keeps nothing here (the downloads come without caching headers), so
    # the packages just installed go to a wheelhouse that the next run's pip looks in first.
    say "keeping pip's downloads in $cache/pip/wheelhouse"
    as_user .venv/bin/pip download -q -d /home/debian/.cache/pip/wheelhouse -r "$1" >/dev/null
}

start_container() {
    local release="$1" image="standin/debian:$1"
    docker info >/dev/null 2>&1 || fail "no Docker engine (start it: dockerd &)"
    if ! docker image inspect "$image" >/dev/null 2>&1; then
        say "building $image"
        tests/deploy/standins/build.sh base "$release"
    fi
    mkdir -p "$cache/apt-$release/partial" "$cache/pip/wheelhouse"
    # The developer's pip runs as uid 1000 in the container.
    chown -R 1000:1000 "$cache/pip"
    source_tar="$(mktemp --suffix=.tar)"
    source_files "$source_tar"
    container="shop-platform-$target-$$"
    say "fresh $image container $container"
    docker run -d --name "$container" --network host \
        -v "$cache/apt-$release:/var/cache/apt/archives" \
        -v "$cache/pip:/home/debian/.cache/pip" \
        -v "$ca_bundle:/etc/ssl/certs/shop-ci-ca.crt:ro" \
        "$image" sleep infinity >/dev/null
    # What a new cloud machine has that a minimal Debian lacks: a user with sudo. No service
    # starts in the container (it shares this machine's network): policy-rc.d says so.
    in_box bash -euc '
        printf "#!/bin/sh\nexit 101\n" >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sudo >/dev/null
        useradd -M -u 1000 -s /bin/bash debian
        echo "debian ALL=(ALL) NOPASSWD:ALL" >/etc/sudoers.d/debian
        mkdir -p /home/debian/.cache /home/debian/shop'
    docker cp "$source_tar" "$container:/tmp/shop.tar"
    in_box bash -euc 'tar -C /home/debian/shop -xf /tmp/shop.tar && chown -R debian: /home/debian'
}

without_python_says_what_to_install() {
    # A minimal Debian has no Python at all: bin/setup must say what to install and stop.
    local out
    if out="$(as_user bin/setup 2>&1)"; then
        fail "bin/setup succeeded without any Python: $out"
    fi
    grep -q "sudo apt-get install python3 python3-venv python3-dev" <<<"$out" ||
        fail "bin/setup did not say what to install: $out"
    say "without Python, bin/setup says: $(grep 'apt-get install' <<<"$out" | xargs)"
    # A cloud image has python3 (cloud-init needs it), without its venv and header packages.
    in_box bash -euc 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null'
}

hold_apt_lock() {
    # As on a new machine whose automatic updates are running: the package lists' lock is
    # taken for a while when bin/dev starts; bin/setup must wait for it, saying so.
    in_box setsid -f perl -e 'use Fcntl; open(my $fh, ">>", "/var/lib/apt/lists/lock") or die;
        my $lock = pack("s s x4 q q i x4", F_WRLCK, 0, 0, 0, 0);
        fcntl($fh, F_SETLKW, $lock) or die; sleep 10' </dev/null >/dev/null 2>&1
}

dev_serves_the_shop() {
    local port sandbox_port dev_started url product="" page code
    port="$(pick_port "${PORT:-8000}")"
    sandbox_port="${SANDBOX_PORT:-$((port == 8000 ? 8001 : port + 1000))}"
    port_free "$sandbox_port" || fail "the sandbox port $sandbox_port is taken (set SANDBOX_PORT)"
    hold_apt_lock
    say "bin/dev (shop on port $port, Bakong sandbox on $sandbox_port)"
    dev_started=$SECONDS
    as_user bash -c "PORT=$port SANDBOX_PORT=$sandbox_port setsid bin/dev >/home/debian/dev.log 2>&1 &
        echo \$! >/home/debian/dev.pid"
    base="http://127.0.0.1:$port"
    # The bare domain redirects to the visitor's language (/km/ or /en/).
    until [ "$(curl -sL -o /dev/null -w '%{http_code}' --max-time 10 "$base/")" = 200 ]; do
        if ! in_box bash -c 'kill -0 "$(cat /home/debian/dev.pid)"' 2>/dev/null; then
            in_box tail -40 /home/debian/dev.log >&2
            fail "bin/dev stopped before serving the home page"
        fi
        [ $((SECONDS - dev_started)) -lt 1800 ] || fail "no home page after 30 minutes"
        sleep 2
    done
    say "home page 200 after $((SECONDS - dev_started)) s of bin/dev"
    in_box grep -q "Waiting for the apt/dpkg lock" /home/debian/dev.log ||
        fail "bin/setup did not say it was waiting for the apt lock"
    # A product page from the sitemap: the first page carrying a JSON-LD Product.
    for url in $(curl -sf "$base/en/sitemap.xml" | grep -o '<loc>[^<]*</loc>' | sed 's/<[^>]*>//g'); do
        page="$(curl -sf "$base/${url#*://*/}")" || continue
        if grep -q '"@type": *"Product"' <<<"$page"; then
            product="/${url#*://*/}"
            break
        fi
    done
    [ -n "$product" ] || fail "no product page in $base/en/sitemap.xml"
    for page in /km/ /en/ "$product" /km/search/?q=krama /admin/login/; do
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$base$page")"
        say "GET $page -> $code"
        [ "$code" = 200 ] || fail "$page answered $code"
    done
    say "bin/dev ready in $((SECONDS - dev_started)) s (fresh container to shop: $((SECONDS - started)) s)"
    # Stop it as Ctrl-C would: its worker and sandbox go with it.
    in_box bash -c 'kill -INT -- -"$(cat /home/debian/dev.pid)"; sleep 3
        kill -TERM -- -"$(cat /home/debian/dev.pid)" 2>/dev/null; true'
    say "what bin/dev said:"
    in_box grep -aE "==>|^(Demo catalog|Development admin)" /home/debian/dev.log || true
}

run_debian12() {
    start_container bookworm
    without_python_says_what_to_install
    dev_serves_the_shop
    # The test tools' pins install on Python 3.11.2 as well (bin/test would install them).
    say "pip install -r requirements-dev.txt on $(as_user .venv/bin/python --version)"
    as_user .venv/bin/pip install -q -r requirements-dev.txt
    as_user .venv/bin/pip check
    keep_downloads requirements-dev.txt
    say "wall time $((SECONDS - started)) s"
}

run_debian13() {
    local log status
    start_container trixie
    without_python_says_what_to_install
    dev_serves_the_shop
    say "first run done in $((SECONDS - started)) s; now bin/test's non-browser tests"
    non_browser_tests "$source_tar"
    fresh_database shop_py313
    log="$(mktemp)"
    set +e
    as_user env SHOP_SETUP_BROWSER=0 DB_NAME=shop_py313 DB_USER="$DB_USER" \
        DB_PASSWORD="$DB_PASSWORD" DB_HOST="$DB_HOST" DB_PORT="$DB_PORT" \
        DB_COLLATION="$DB_COLLATION" SHOP_TESTS_FORBID_SKIPS=1 SHOP_TESTS_REQUIRE_MYSQL=1 \
        bin/test "${NON_BROWSER[@]}" -p no:cacheprovider "$@" 2>&1 | tee "$log"
    status="${PIPESTATUS[0]}"
    set -e
    keep_downloads requirements-dev.txt || true
    closing "$log" "$status"
    rm -f "$log"
    return "$status"
}

main() {
    case "$target" in
        debian12) run_debian12 ;;
        debian13) run_debian13 "$@" ;;
        py312) run_py312 "$@" ;;
        *)
            sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
            exit 2
            ;;
    esac
}

# One line, read whole: editing this file while it runs cannot change a running run.
main "$@"; exit

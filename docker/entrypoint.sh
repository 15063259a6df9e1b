#!/bin/sh
# Every Django container: read secrets from files, wait for the database, refuse to run with
# a deployment problem (placeholder secrets, DEBUG on, insecure cookies: `check --deploy`
# errors), then run its command (gunicorn, the worker, or the one-shot "migrate" service that
# applies migrations once before the others start).
set -e
# Asked to stop while still starting (waiting for the database or the migrations): stop. As
# the container's first process, the shell would otherwise ignore the signal until killed.
trap 'exit 143' TERM INT

# Docker secrets (docker-stack.yml): NAME_FILE=/run/secrets/x sets NAME to the file's content
# (without the final newline; a file holding only an empty line leaves NAME empty). Only the
# secrets the settings read this way (env_or_file in website/settings/base.py): other
# variables end in _FILE too (SHOP_WORKER_HEARTBEAT_FILE names a file yet to be written).
for var in SECRET_KEY DB_PASSWORD EMAIL_HOST_PASSWORD BAKONG_API_TOKEN TELEGRAM_BOT_TOKEN \
    S3_SECRET_ACCESS_KEY METRICS_TOKEN SENTRY_DSN; do
    file_var="${var}_FILE"
    file="$(printenv "$file_var" || true)"
    [ -n "$file" ] || continue
    if [ -n "$(printenv "$var" || true)" ]; then
        echo "entrypoint: both $var and $file_var are set: set only one" >&2
        exit 1
    fi
    if [ ! -r "$file" ]; then
        echo "entrypoint: $file_var names $file, which cannot be read" >&2
        exit 1
    fi
    value="$(cat "$file")"
    export "$var=$value"
    unset "$file_var"
done

python manage.py wait_for_db --timeout "${DB_WAIT_TIMEOUT:-120}"
python manage.py check --deploy --fail-level ERROR
if [ "$1" = "migrate" ]; then
    python manage.py migrate --noinput
    python manage.py createcachetable
    exit 0
fi
# A new release next to the old one (a rolling update on several servers): wait until the
# migrate job has brought the database up to this image's migrations before serving.
if [ "${SHOP_WAIT_FOR_MIGRATIONS:-0}" = "1" ]; then
    waited=0
    until python manage.py migrate --check >/dev/null 2>&1; do
        if [ "$waited" -ge "${MIGRATIONS_WAIT_TIMEOUT:-600}" ]; then
            echo "entrypoint: migrations still not applied after $waited s; is the migrate job failing?" >&2
            exit 1
        fi
        [ "$waited" -eq 0 ] && echo "entrypoint: waiting for the migrate job to apply this release's migrations"
        sleep 5
        waited=$((waited + 5))
    done
fi
# Leaving several servers (a rolling update, a scale-down, a drained node): Swarm takes the
# task out of its DNS two seconds before it asks the container to stop, but each nginx still
# sends new requests to the addresses it resolved up to 10 seconds ago (upstream.conf). With
# SHOP_STOP_DELAY=N the server goes on answering for N seconds after the stop signal, then
# gunicorn stops gracefully: no nginx is still sending to it, and no request meets a closing
# server (a repeated GET would survive that; an add-to-cart POST would not).
if [ "${SHOP_STOP_DELAY:-0}" -gt 0 ] 2>/dev/null; then
    stopping=0
    trap 'stopping=1' TERM INT
    "$@" &
    child=$!
    status=0
    wait "$child" || status=$?
    if [ "$stopping" = 1 ]; then
        echo "entrypoint: asked to stop; answering for ${SHOP_STOP_DELAY}s more while the load balancers forget this server" >&2
        trap '' TERM INT
        sleep "$SHOP_STOP_DELAY"
        kill -TERM "$child" 2>/dev/null || true
        status=0
        wait "$child" || status=$?
    fi
    exit "$status"
fi
exec "$@"

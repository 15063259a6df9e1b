#!/bin/sh
# Every Django container: wait for the database, refuse to run with a deployment problem
# (placeholder secrets, DEBUG on, insecure cookies: `check --deploy` errors), then run its
# command (gunicorn, the worker, or the one-shot "migrate" service that applies migrations
# once before the others start).
set -e
python manage.py wait_for_db --timeout "${DB_WAIT_TIMEOUT:-120}"
python manage.py check --deploy --fail-level ERROR
if [ "$1" = "migrate" ]; then
    python manage.py migrate --noinput
    python manage.py createcachetable
    exit 0
fi
exec "$@"

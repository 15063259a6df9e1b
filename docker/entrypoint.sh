#!/bin/sh
# Every container waits for the database first; then runs its command (gunicorn, the worker,
# or the one-shot "migrate" service that applies migrations once before the others start).
set -e
python manage.py wait_for_db --timeout "${DB_WAIT_TIMEOUT:-120}"
if [ "$1" = "migrate" ]; then
    python manage.py migrate --noinput
    python manage.py createcachetable
    exit 0
fi
exec "$@"

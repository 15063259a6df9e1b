#!/bin/sh
# The compose "backup" service: a backup every BACKUP_INTERVAL_HOURS (default 24).
set -e
python manage.py wait_for_db
while true; do
    bash docker/backup/backup.sh || echo "Backup failed; trying again next time" >&2
    sleep "$(( ${BACKUP_INTERVAL_HOURS:-24} * 3600 ))"
done

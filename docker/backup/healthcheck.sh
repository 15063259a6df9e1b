#!/bin/sh
# The backup service's health check: healthy while the newest complete backup (its manifest,
# backup-<stamp>.ok) is younger than two intervals and ten minutes, so a backup that keeps
# failing turns the service unhealthy in `docker compose ps` and in monitoring.
dir="${BACKUP_DIR:-/backups}"
if [ -n "${BACKUP_INTERVAL_SECONDS:-}" ]; then
    interval="$BACKUP_INTERVAL_SECONDS"
else
    interval="$(awk -v h="${BACKUP_INTERVAL_HOURS:-24}" 'BEGIN { printf "%d", h * 3600 }')"
fi
limit=$(( (2 * interval + 600) / 60 ))
newest="$(find "$dir" -maxdepth 1 -name 'backup-*.ok' -mmin "-$limit" 2>/dev/null | head -n 1)"
if [ -z "$newest" ]; then
    echo "No complete backup in $dir in the last $limit minutes: see docker compose logs backup" >&2
    exit 1
fi
echo "Latest backups are recent: $(basename "$newest")"

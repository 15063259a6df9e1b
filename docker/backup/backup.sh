#!/usr/bin/env bash
# A consistent backup of the shop: the MySQL database (one transaction, no table locks, so
# the shop keeps selling) and an archive of the media files (product images, QR codes).
#   BACKUP_DIR (default ./backups)  BACKUP_KEEP (default 14, per kind)
#   DB_NAME DB_USER DB_PASSWORD DB_HOST DB_PORT  MEDIA_ROOT
set -euo pipefail
dir="${BACKUP_DIR:-./backups}"
keep="${BACKUP_KEEP:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dir"
export MYSQL_PWD="${DB_PASSWORD:-}"
dump="$(command -v mysqldump || command -v mariadb-dump)"

"$dump" --single-transaction --quick --routines --triggers --no-tablespaces \
    --default-character-set=utf8mb4 \
    -h "${DB_HOST:-127.0.0.1}" -P "${DB_PORT:-3306}" -u "${DB_USER:-root}" "${DB_NAME:?DB_NAME is required}" \
    | gzip > "$dir/db-$stamp.sql.gz.partial"
mv "$dir/db-$stamp.sql.gz.partial" "$dir/db-$stamp.sql.gz"

tar -C "${MEDIA_ROOT:?MEDIA_ROOT is required}" -czf "$dir/media-$stamp.tar.gz.partial" .
mv "$dir/media-$stamp.tar.gz.partial" "$dir/media-$stamp.tar.gz"

# Keep the newest $keep of each kind.
for kind in db media; do
    ls -1t "$dir"/"$kind"-*.gz 2>/dev/null | tail -n +"$((keep + 1))" | xargs -r rm -f
done
echo "$stamp"

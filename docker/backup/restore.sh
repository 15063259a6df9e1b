#!/usr/bin/env bash
# Restore a backup made by backup.sh:  restore.sh 20261124T030000Z
# Replaces the database's tables and the media files with the backup's. Stop the web and
# worker containers first (docs/operations.md).
set -euo pipefail
stamp="${1:?usage: restore.sh <stamp>, e.g. 20261124T030000Z}"
dir="${BACKUP_DIR:-./backups}"
db_file="$dir/db-$stamp.sql.gz"
media_file="$dir/media-$stamp.tar.gz"
[ -f "$db_file" ] && [ -f "$media_file" ] || { echo "No backup $stamp in $dir" >&2; exit 1; }
export MYSQL_PWD="${DB_PASSWORD:-}"
client="$(command -v mysql || command -v mariadb)"

gunzip -c "$db_file" | "$client" --default-character-set=utf8mb4 \
    -h "${DB_HOST:-127.0.0.1}" -P "${DB_PORT:-3306}" -u "${DB_USER:-root}" "${DB_NAME:?DB_NAME is required}"

media="${MEDIA_ROOT:?MEDIA_ROOT is required}"
mkdir -p "$media"
find "$media" -mindepth 1 -delete
tar -C "$media" -xzf "$media_file"
echo "Restored $stamp"

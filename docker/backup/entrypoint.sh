#!/bin/sh
# The backup service's entrypoint. Docker creates a missing ./backups bind mount as root, so
# this starts as root only to give BACKUP_DIR to the unprivileged "shop" user (mode 0700),
# then drops to "shop" for good (no capabilities, no way back) before anything else runs.
set -eu
# Docker secrets (docker-stack.yml): NAME_FILE=/run/secrets/x sets NAME to the file's content.
for file_var in $(env | sed -n 's/^\(DB_[A-Z0-9_]*\)_FILE=.*/\1_FILE/p'); do
    var="${file_var%_FILE}"
    file="$(printenv "$file_var")"
    [ -r "$file" ] || { echo "entrypoint: $file_var names $file, which cannot be read" >&2; exit 1; }
    export "$var=$(cat "$file")"
    unset "$file_var"
done
dir="${BACKUP_DIR:-/backups}"
if [ "$(id -u)" = 0 ]; then
    install -d -o shop -g shop -m 0700 "$dir"
    chown shop:shop "$dir"
    chmod 0700 "$dir"
    exec setpriv --reuid=shop --regid=shop --init-groups --inh-caps=-all --bounding-set=-all \
        --no-new-privs "$0" "$@"
fi
# Wait for the database without loading Django (this service has no Django secrets).
# (mysqladmin is called mariadb-admin in newer Debian releases' MariaDB client.)
admin="$(command -v mysqladmin || command -v mariadb-admin)"
export MYSQL_PWD="${DB_PASSWORD:-}"
tries=0
until "$admin" ping -h "${DB_HOST:-db}" -P "${DB_PORT:-3306}" -u "${DB_USER:-shop}" --silent 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -ge "${DB_WAIT_TIMEOUT:-120}" ]; then
        echo "The database at ${DB_HOST:-db}:${DB_PORT:-3306} did not answer; giving up." >&2
        exit 1
    fi
    sleep 1
done
unset MYSQL_PWD
exec "$@"

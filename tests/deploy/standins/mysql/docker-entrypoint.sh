#!/bin/bash
# As the official mysql image's entrypoint: options alone are given to mysqld; on the first
# start (an empty data directory) the server is initialised, the root password set for
# root@localhost and root@'%', MYSQL_DATABASE created with the server's default character set
# and collation (the options on the command line), MYSQL_USER created with all privileges on
# it, and /docker-entrypoint-initdb.d/*.sql|*.sh run. Then the server runs as "mysql".
set -euo pipefail
case "${1:-mysqld}" in -*) set -- mysqld "$@" ;; esac
if [ "$1" != mysqld ] && [ "$1" != mariadbd ]; then exec "$@"; fi
shift
server=(mariadbd --user=mysql --datadir=/var/lib/mysql "$@")
say() { echo "[Entrypoint] $*"; }
# As the official image: MYSQL_*_FILE names a file (a Docker secret) holding the value.
for var in MYSQL_ROOT_PASSWORD MYSQL_PASSWORD MYSQL_USER MYSQL_DATABASE; do
    file_var="${var}_FILE"
    if [ -n "${!file_var:-}" ]; then
        export "$var=$(cat "${!file_var}")"
        unset "$file_var"
    fi
done

mkdir -p /var/lib/mysql /run/mysqld
chown mysql:mysql /var/lib/mysql /run/mysqld

if [ ! -d /var/lib/mysql/mysql ]; then
    : "${MYSQL_ROOT_PASSWORD:?MYSQL_ROOT_PASSWORD must be set for the first start}"
    say "Initializing database files"
    mariadb-install-db --user=mysql --datadir=/var/lib/mysql --auth-root-authentication-method=normal \
        --skip-test-db "$@" >/dev/null
    say "Starting a temporary server"
    "${server[@]}" --skip-networking --socket=/run/mysqld/init.sock &
    pid=$!
    for _ in $(seq 60); do
        mariadb-admin --socket=/run/mysqld/init.sock ping --silent 2>/dev/null && break
        sleep 1
    done
    client=(mariadb --protocol=socket --socket=/run/mysqld/init.sock -uroot)
    sql_quote() { printf "%s" "$1" | sed "s/'/''/g; s/\\\\/\\\\\\\\/g"; }
    root_pw="$(sql_quote "$MYSQL_ROOT_PASSWORD")"
    {
        echo "SET @@SESSION.SQL_LOG_BIN=0;"
        echo "DELETE FROM mysql.user WHERE user NOT IN ('mysql.sys', 'mariadb.sys', 'root') OR host NOT IN ('localhost');"
        echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$root_pw';"
        echo "CREATE USER 'root'@'%' IDENTIFIED BY '$root_pw';"
        echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
        if [ -n "${MYSQL_DATABASE:-}" ]; then
            echo "CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\`;"
        fi
        if [ -n "${MYSQL_USER:-}" ] && [ -n "${MYSQL_PASSWORD:-}" ]; then
            echo "CREATE USER '$MYSQL_USER'@'%' IDENTIFIED BY '$(sql_quote "$MYSQL_PASSWORD")';"
            [ -n "${MYSQL_DATABASE:-}" ] && echo "GRANT ALL ON \`$MYSQL_DATABASE\`.* TO '$MYSQL_USER'@'%';"
        fi
        echo "FLUSH PRIVILEGES;"
    } | "${client[@]}"
    for file in /docker-entrypoint-initdb.d/*; do
        [ -e "$file" ] || continue
        case "$file" in
            *.sh) say "running $file"; . "$file" ;;
            *.sql) say "running $file"; MYSQL_PWD="$MYSQL_ROOT_PASSWORD" "${client[@]}" "${MYSQL_DATABASE:-}" < "$file" ;;
            *.sql.gz) say "running $file"; gunzip -c "$file" | MYSQL_PWD="$MYSQL_ROOT_PASSWORD" "${client[@]}" "${MYSQL_DATABASE:-}" ;;
        esac
    done
    kill "$pid"; wait "$pid" || true
    say "Database initialised"
fi
exec "${server[@]}"

#!/bin/sh
# As the official image: options alone are passed to redis-server, which runs as "redis"
# with protected mode off.
set -e
case "$1" in -*) set -- redis-server "$@" ;; esac
if [ "$1" = redis-server ]; then
    shift
    set -- redis-server --protected-mode no "$@"
    exec setpriv --reuid redis --regid redis --init-groups "$@"
fi
exec "$@"

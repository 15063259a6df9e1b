#!/bin/sh
# As the official nginx image: when the command is nginx, run /docker-entrypoint.d/*.sh first.
set -e
if [ "$1" = nginx ] || [ "$1" = nginx-debug ]; then
    for script in /docker-entrypoint.d/*.sh; do
        [ -x "$script" ] && "$script"
    done
fi
exec "$@"

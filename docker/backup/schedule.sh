#!/bin/sh
# The compose "backup" service: backup.sh on a schedule (the entrypoint has already waited for
# the database).
#   BACKUP_INTERVAL_HOURS    between two backups (24). Fractions work: 0.5 is half an hour.
#   BACKUP_INTERVAL_SECONDS  the same in seconds; when set, it wins over the hours.
#   BACKUP_RETRY_MINUTES     after a failed backup, the next attempt comes this soon (15; also
#                            fractions), or after the interval when that is shorter.
# The first backup: a minute after the service starts (or after the interval, if shorter), so
# that a new shop has a backup on its first day; but when BACKUP_DIR already holds a complete
# backup younger than the interval, when that one is an interval old (restarts and upgrades
# do not add backups). SIGTERM (docker compose stop) stops a running backup cleanly.
set -u
here="$(dirname "$0")"
dir="${BACKUP_DIR:-./backups}"

say() { echo "schedule.sh: $(date -u '+%Y-%m-%d %H:%M:%S UTC'): $*"; }

# seconds <value> <seconds per unit> <variable name>: whole seconds (at least 1).
seconds() {
    awk -v v="$1" -v unit="$2" 'BEGIN {
        if (v !~ /^([0-9]+[.]?[0-9]*|[.][0-9]+)$/ || v + 0 <= 0) exit 1
        s = int(v * unit + 0.5); print (s < 1 ? 1 : s) }' \
        || { echo "schedule.sh: $3 must be a number above 0 (fractions allowed), not '$1'" >&2; return 1; }
}

if [ -n "${BACKUP_INTERVAL_SECONDS:-}" ]; then
    interval="$(seconds "$BACKUP_INTERVAL_SECONDS" 1 BACKUP_INTERVAL_SECONDS)" || exit 2
    interval_setting="BACKUP_INTERVAL_SECONDS=$BACKUP_INTERVAL_SECONDS"
else
    interval="$(seconds "${BACKUP_INTERVAL_HOURS:-24}" 3600 BACKUP_INTERVAL_HOURS)" || exit 2
    interval_setting="BACKUP_INTERVAL_HOURS=${BACKUP_INTERVAL_HOURS:-24}"
fi
retry="$(seconds "${BACKUP_RETRY_MINUTES:-15}" 60 BACKUP_RETRY_MINUTES)" || exit 2
[ "$retry" -le "$interval" ] || retry="$interval"

child=""
stop() {
    say "stopping"
    if [ -n "$child" ]; then
        # The backup runs in its own process group: stop all of it (mysqldump, tar, gzip);
        # backup.sh then removes its unfinished files.
        kill -s TERM -- "-$child" 2>/dev/null || kill -s TERM "$child" 2>/dev/null
        wait "$child" 2>/dev/null
    fi
    exit 0
}
trap stop TERM INT

pause() {
    sleep "$1" &
    child=$!
    wait "$child"
    child=""
}

at() { date -u -d "@$(( $(date +%s) + $1 ))" '+%Y-%m-%d %H:%M:%S UTC'; }

# When is the first backup due?
newest=""
for manifest in "$dir"/backup-*.ok; do
    [ -f "$manifest" ] && newest="$manifest"
done
wait_for=60
[ "$interval" -ge "$wait_for" ] || wait_for="$interval"
if [ -n "$newest" ] && [ -e "$dir/.pending-offsite-copy" ]; then
    say "the newest backup, $(basename "$newest" .ok | sed 's/^backup-//'), never reached the off-site bucket: copying it again soon"
    newest=""
fi
if [ -n "$newest" ]; then
    age=$(( $(date +%s) - $(stat -c %Y "$newest") ))
    if [ "$age" -lt "$interval" ]; then
        wait_for=$(( interval - age ))
        [ "$wait_for" -ge 1 ] || wait_for=1
    fi
    say "the newest complete backup is $(basename "$newest" .ok | sed 's/^backup-//'), ${age} s old"
fi
say "a backup every $interval s ($interval_setting), $retry s after a failure (BACKUP_RETRY_MINUTES=${BACKUP_RETRY_MINUTES:-15}); first backup in $wait_for s, at $(at "$wait_for")"

while :; do
    pause "$wait_for"
    started="$(date -u +%Y%m%dT%H%M%SZ)"
    # After a failed off-site copy, retries copy that same set again until a new one is due:
    # a new set per retry would push the oldest local one out, one every BACKUP_RETRY_MINUTES,
    # for as long as the bucket cannot be reached.
    next_run=""
    newest=""
    if [ -e "$dir/.pending-offsite-copy" ]; then
        for manifest in "$dir"/backup-*.ok; do
            [ -f "$manifest" ] && newest="$manifest"
        done
        if [ -n "$newest" ] && [ $(( $(date +%s) - $(stat -c %Y "$newest") )) -lt "$interval" ]; then
            next_run="--retry-offsite"
        fi
    fi
    # In a session (and process group) of its own, so that stop() can end all of it.
    # (Its stdout is only the stamp; what it has to say goes to stderr.)
    # shellcheck disable=SC2086  # next_run is empty or one word
    setsid bash "$here/backup.sh" $next_run > /dev/null &
    child=$!
    wait "$child"
    status=$?
    child=""
    stamp=""
    newest=""
    for manifest in "$dir"/backup-*.ok; do
        [ -f "$manifest" ] && newest="$manifest" && stamp="$(basename "$manifest" .ok)"
    done
    if [ "$status" -eq 0 ]; then
        # A new set: an interval from now. A set copied off-site late: an interval after it was made.
        wait_for="$interval"
        if [ -n "$next_run" ] && [ -n "$newest" ]; then
            wait_for=$(( interval - ($(date +%s) - $(stat -c %Y "$newest")) ))
            [ "$wait_for" -ge 1 ] || wait_for=1
        fi
        say "backup ${stamp#backup-} done; next backup in $wait_for s, at $(at "$wait_for")"
    elif [ "$status" -eq 3 ]; then
        wait_for="$retry"
        say "Backup ${stamp#backup-} is complete in $dir but did not reach the off-site bucket (backup.sh's reason is above);" \
            "copying it off-site again in $wait_for s, at $(at "$wait_for") (BACKUP_RETRY_MINUTES)." >&2
    else
        wait_for="$retry"
        say "Backup failed (exit status $status; the attempt started at $started, backup.sh's reason is above)." \
            "Nothing was added to $dir; retrying in $wait_for s, at $(at "$wait_for") (BACKUP_RETRY_MINUTES)." \
            "Check: the database is up and DB_USER/DB_PASSWORD are right; $dir has space (df -h) and is writable by the user $(id -un)." >&2
    fi
done

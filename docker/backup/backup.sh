#!/usr/bin/env bash
# A backup of the shop, taken while it keeps selling. One backup is a set of three files:
#   db-<stamp>.sql.gz     mysqldump --single-transaction: one consistent snapshot, no table
#                         locks. Taken first, so that the media archive, made after it, holds
#                         every file the dump refers to (QR codes written by checkouts).
#   media-<stamp>.tar.gz  the media files (product images, QR codes). Files that change while
#                         tar reads them (tar's exit status 1) are normal while the shop sells;
#                         any other tar error fails the backup.
#   backup-<stamp>.ok     the manifest (each file's size and sha256), written last: a set is
#                         complete only with it. restore.sh and the clean-up below look at
#                         complete sets only.
# Everything is written as *.partial and renamed at the end; on any failure the files of this
# attempt are removed. Files are private to the user running it (umask 077).
# Prints the stamp as the last line of its output (details go to stderr).
#   BACKUP_DIR (./backups)  BACKUP_KEEP (14 complete sets)  MEDIA_ROOT
#   DB_NAME DB_USER DB_PASSWORD DB_HOST DB_PORT
# Off-site (offsite.sh): with BACKUP_S3_BUCKET set, the set is then encrypted with gpg
# (BACKUP_ENCRYPTION_PASSPHRASE) and copied to the bucket under BACKUP_S3_PREFIX, manifest last,
# and the newest BACKUP_OFFSITE_KEEP (BACKUP_KEEP) sets are kept there. If that fails the local
# set stays and backup.sh exits with status 3; `backup.sh --retry-offsite` then copies that
# same set again (schedule.sh does), rather than taking new sets that would each push the
# oldest local one out while the bucket cannot be reached.
# With MEDIA_STORAGE=s3 the media are in the bucket, not in MEDIA_ROOT: the archive holds only
# what MEDIA_ROOT has (the bucket keeps its own versions; docs/operations.md).
set -euo pipefail
umask 077
shopt -s nullglob

dir="${BACKUP_DIR:-./backups}"
keep="${BACKUP_KEEP:-14}"
media="${MEDIA_ROOT:?MEDIA_ROOT is required}"
database="${DB_NAME:?DB_NAME is required}"
say() { echo "backup.sh: $*" >&2; }
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || { say "BACKUP_KEEP must be a whole number of 1 or more, not '$keep'"; exit 2; }
offsite_keep="${BACKUP_OFFSITE_KEEP:-$keep}"
[[ "$offsite_keep" =~ ^[1-9][0-9]*$ ]] || { say "BACKUP_OFFSITE_KEEP must be a whole number of 1 or more, not '$offsite_keep'"; exit 2; }
. "$(dirname "${BASH_SOURCE[0]}")/offsite.sh"
if offsite_enabled; then
    read_passphrase || { say "BACKUP_S3_BUCKET is set but the backup cannot be encrypted (above); no backup taken"; exit 2; }
fi
dump="$(command -v mysqldump || command -v mariadb-dump)" || { say "mysqldump (or mariadb-dump) is not installed"; exit 1; }
export MYSQL_PWD="${DB_PASSWORD:-}"

mkdir -p "$dir"
# One backup or restore at a time in a folder (restore.sh takes the same lock).
exec 9>>"$dir/.lock"
if ! flock -n 9; then
    say "a backup or a restore is running in $dir; waiting for it to finish (up to 15 minutes)"
    flock -w 900 9 || { say "the backup or restore running in $dir did not finish in 15 minutes; no backup taken"; exit 1; }
fi

# The off-site copy: encrypted into a hidden folder, uploaded (manifest last), old ones pruned.
copy_offsite() {
    local work="$dir/.offsite-$stamp" name
    rm -rf -- "$work" && mkdir "$work" || return 1
    for name in "db-$stamp.sql.gz" "media-$stamp.tar.gz"; do
        encrypt "$dir/$name" "$work/$name.gpg" || { rm -rf -- "$work"; return 1; }
    done
    cp -- "$manifest" "$work/" || { rm -rf -- "$work"; return 1; }
    offsite upload "$stamp" "$work/db-$stamp.sql.gz.gpg" "$work/media-$stamp.tar.gz.gpg" \
        "$work/backup-$stamp.ok" || { rm -rf -- "$work"; return 1; }
    rm -rf -- "$work"
    offsite prune "$offsite_keep" || say "warning: could not remove old off-site backups"
}
# A set whose off-site copy failed is complete here but not safe yet: the marker tells
# schedule.sh (after a restart, say) to copy it again soon.
pending="$dir/.pending-offsite-copy"

if [ "${1:-}" = --retry-offsite ]; then
    offsite_enabled || { say "--retry-offsite: BACKUP_S3_BUCKET is not set"; exit 2; }
    sets=("$dir"/backup-*.ok)
    [ "${#sets[@]}" -gt 0 ] || { say "--retry-offsite: no complete backup in $dir"; exit 1; }
    manifest="${sets[-1]}"
    stamp="${manifest##*/backup-}"
    stamp="${stamp%.ok}"
    if copy_offsite; then
        rm -f -- "$pending"
        say "backup $stamp copied off-site"
        echo "$stamp"
        exit 0
    fi
    say "backup $stamp is still only in $dir: its off-site copy FAILED again (above): check BACKUP_S3_* and the bucket"
    exit 3
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
while [ -e "$dir/backup-$stamp.ok" ] || [ -e "$dir/db-$stamp.sql.gz" ] || [ -e "$dir/media-$stamp.tar.gz" ]; do
    sleep 1  # a backup made less than a second ago has this stamp: take the next second
    stamp="$(date -u +%Y%m%dT%H%M%SZ)"
done
db_file="$dir/db-$stamp.sql.gz"
media_file="$dir/media-$stamp.tar.gz"
manifest="$dir/backup-$stamp.ok"
complete=0
step="starting"

finish() {
    local status=$?
    if [ "$complete" != 1 ]; then
        rm -f -- "$db_file.partial" "$media_file.partial" "$manifest.partial"
        [ -e "$manifest" ] || rm -f -- "$db_file" "$media_file"
        say "backup $stamp FAILED while $step (exit status $status); its files were removed, no backup was added"
        [ "$status" != 0 ] || status=1
    fi
    exit "$status"
}
trap finish EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

step="dumping the database $database"
. "$(dirname "${BASH_SOURCE[0]}")/db-tls.sh"
"$dump" --single-transaction --quick --routines --triggers --no-tablespaces \
    --default-character-set=utf8mb4 "${db_tls[@]}" \
    -h "${DB_HOST:-127.0.0.1}" -P "${DB_PORT:-3306}" -u "${DB_USER:-root}" "$database" \
    | gzip > "$db_file.partial"

step="checking the dump"
last_line="$(gzip -dc "$db_file.partial" | tail -n 1)"
if [[ "$last_line" != "-- Dump completed"* ]]; then
    say "the dump does not end with mysqldump's '-- Dump completed' line"
    exit 1
fi

step="archiving the media files in $media"
if [ "${MEDIA_STORAGE:-local}" = s3 ]; then
    say "note: MEDIA_STORAGE=s3: the media are in the bucket, which is not archived here (turn on its versioning); archiving what $media holds"
fi
[ -d "$media" ] || { say "MEDIA_ROOT $media is not a folder"; exit 1; }
# .restore-* at the top are restore.sh's temporary folders: never part of a backup.
tar_status=0
tar --create --gzip --file "$media_file.partial" --directory "$media" \
    --anchored --exclude='./.restore-*' \
    --warning=no-file-changed --warning=no-file-removed --warning=no-file-shrank \
    . || tar_status=$?
case "$tar_status" in
    0) ;;
    1) say "some media files changed while they were archived (normal while the shop sells): each is in the archive as tar read it, and whole in the next backup" ;;
    *) say "tar failed (exit status $tar_status)"; exit 1 ;;
esac

step="writing the manifest"
entry() {  # <file>: its name, size and sha256, as the manifest lists them
    local sum
    sum="$(sha256sum < "$1")"
    printf '%s %s %s\n' "$(basename "${1%.partial}")" "$(stat -c %s "$1")" "${sum%% *}"
}
{
    echo "# Shop backup $stamp: complete. Written last by backup.sh; restore.sh checks each file's size and sha256."
    entry "$db_file.partial"
    entry "$media_file.partial"
} > "$manifest.partial"
sync -- "$db_file.partial" "$media_file.partial" "$manifest.partial"
mv -- "$db_file.partial" "$db_file"
mv -- "$media_file.partial" "$media_file"
mv -- "$manifest.partial" "$manifest"
sync -- "$dir"
complete=1
step="removing old backups"

# Keep the newest $keep complete sets (stamps sort by time). Then remove the files of
# incomplete sets older than the oldest set kept, and *.partial files older than a day
# (left by a backup that was killed). A failure here does not fail the backup.
clean_up() {
    local sets=("$dir"/backup-*.ok) oldest file name set_stamp
    local count=${#sets[@]}
    if (( count > keep )); then
        for file in "${sets[@]:0:count-keep}"; do
            set_stamp="${file##*/backup-}"
            set_stamp="${set_stamp%.ok}"
            rm -f -- "$file" "$dir/db-$set_stamp.sql.gz" "$dir/media-$set_stamp.tar.gz"
        done
        sets=("${sets[@]:count-keep}")
    fi
    oldest="${sets[0]##*/backup-}"
    oldest="${oldest%.ok}"
    for file in "$dir"/db-*.sql.gz "$dir"/media-*.tar.gz; do
        name="${file##*/}"
        set_stamp="${name#*-}"
        set_stamp="${set_stamp%%.*}"
        if [ ! -e "$dir/backup-$set_stamp.ok" ] && [[ "$set_stamp" < "$oldest" ]]; then
            rm -f -- "$file"
        fi
    done
    find "$dir" -maxdepth 1 -type f -name '*.partial' -mmin +1440 -delete
}
clean_up || say "warning: could not remove every old backup in $dir"

if offsite_enabled; then
    step="copying the backup off-site"
    if ! copy_offsite; then
        touch -- "$pending"
        say "backup $stamp is complete in $dir, but its off-site copy FAILED (above): check BACKUP_S3_* and the bucket"
        exit 3
    fi
fi
rm -f -- "$pending"

say "backup $stamp complete: $(basename "$db_file") $(numfmt --to=iec --suffix=B "$(stat -c %s "$db_file")"), $(basename "$media_file") $(numfmt --to=iec --suffix=B "$(stat -c %s "$media_file")")"
echo "$stamp"

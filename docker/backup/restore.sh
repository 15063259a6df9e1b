#!/usr/bin/env bash
# Restore a backup made by backup.sh. Stop web, worker and backup first (docs/operations.md).
#   restore.sh --list                     the complete backups in BACKUP_DIR: stamp, date, size
#   restore.sh --check <stamp>            check a backup, change nothing
#   restore.sh <stamp>                    restore it
#   restore.sh --no-safety-backup <stamp> restore it without a safety backup first
#   restore.sh --offsite ...              the same with the off-site copy (BACKUP_S3_BUCKET):
#                                         downloaded, decrypted into BACKUP_DIR, then checked
# A restore
#   1. checks the backup before touching anything: its manifest (backup-<stamp>.ok) and both
#      files are there with the manifest's sizes and sha256 sums, both gzip streams are whole,
#      the dump ends with "-- Dump completed" and the media archive lists cleanly;
#   2. takes a safety backup of the current database and media with backup.sh into
#      BACKUP_DIR/pre-restore (the newest 3 are kept): the way back;
#   3. extracts the media archive into MEDIA_ROOT/.restore-new-<pid> (same filesystem);
#   4. drops every table and view of the database and loads the dump, in one client session:
#      the database ends up with exactly the backup's tables. If the load fails half-way, the
#      safety backup's dump is loaded back the same way and the restore fails;
#   5. swaps the media in: the current entries of MEDIA_ROOT go into .restore-old-<pid>, the
#      extracted ones take their place, the old ones are deleted. MEDIA_ROOT itself stays (in
#      compose it is a volume's mount point).
# Runs as the unprivileged user `shop` in compose; DB_USER needs rights on DB_NAME only.
#   BACKUP_DIR (./backups)  MEDIA_ROOT  DB_NAME DB_USER DB_PASSWORD DB_HOST DB_PORT
set -euo pipefail
umask 077
shopt -s nullglob

here="$(cd "$(dirname "$0")" && pwd)"
dir="${BACKUP_DIR:-./backups}"
safety_keep=3
say() { echo "restore.sh: $*" >&2; }
usage() {
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
}

mode=restore
safety=1
from_offsite=0
stamp=""
while [ $# -gt 0 ]; do
    case "$1" in
        --list) mode=list ;;
        --check) mode=check ;;
        --no-safety-backup) safety=0 ;;
        --offsite) from_offsite=1 ;;
        -h | --help) usage; exit 0 ;;
        -*) say "unknown option $1"; usage >&2; exit 2 ;;
        *) [ -z "$stamp" ] || { usage >&2; exit 2; }; stamp="$1" ;;
    esac
    shift
done

# --- the backups in the folder ---------------------------------------------------------------

stamp_date() {  # 20261124T030000Z -> 2026-11-24 03:00:00 UTC
    local s="$1"
    echo "${s:0:4}-${s:4:2}-${s:6:2} ${s:9:2}:${s:11:2}:${s:13:2} UTC"
}

. "$here/offsite.sh"
if [ "$from_offsite" = 1 ]; then
    offsite_enabled || { say "--offsite needs BACKUP_S3_BUCKET (and the other BACKUP_S3_* settings)"; exit 2; }
fi

if [ "$mode" = list ] && [ "$from_offsite" = 1 ]; then
    found=0
    while read -r s size; do
        printf '%s  %s  %s  (off-site)\n' "$s" "$(stamp_date "$s")" "$(numfmt --to=iec --suffix=B "$size")"
        found=$((found + 1))
    done < <(offsite list)
    [ "$found" -gt 0 ] || say "no complete backup off-site in ${BACKUP_S3_BUCKET}/${BACKUP_S3_PREFIX:-backups/}"
    exit 0
fi

if [ "$mode" = list ]; then
    [ -d "$dir" ] || { say "no backup folder $dir"; exit 1; }
    found=0
    for manifest in "$dir"/backup-*.ok; do
        s="${manifest##*/backup-}"
        s="${s%.ok}"
        [ -f "$dir/db-$s.sql.gz" ] && [ -f "$dir/media-$s.tar.gz" ] || continue
        size=$(( $(stat -c %s "$dir/db-$s.sql.gz") + $(stat -c %s "$dir/media-$s.tar.gz") ))
        printf '%s  %s  %s\n' "$s" "$(stamp_date "$s")" "$(numfmt --to=iec --suffix=B "$size")"
        found=$((found + 1))
    done
    [ "$found" -gt 0 ] || say "no complete backup in $dir"
    exit 0
fi

[ -n "$stamp" ] || { usage >&2; exit 2; }
[[ "$stamp" =~ ^[0-9]{8}T[0-9]{6}Z$ ]] || { say "'$stamp' is not a backup stamp like 20261124T030000Z (restore.sh --list shows them)"; exit 2; }
db_file="$dir/db-$stamp.sql.gz"
media_file="$dir/media-$stamp.tar.gz"
manifest="$dir/backup-$stamp.ok"

# --- 1. check the backup ---------------------------------------------------------------------

refuse() {
    say "$*"
    say "backup $stamp cannot be restored; nothing was changed"
    exit 1
}

check_against_manifest() {  # <file>
    local file="$1" name entry size sum actual_size actual_sum
    name="$(basename "$file")"
    [ -f "$file" ] || refuse "$name is missing from $dir"
    entry="$(awk -v n="$name" '$1 == n { print $2, $3 }' "$manifest")"
    read -r size sum <<< "$entry" || true
    [ -n "$size" ] && [ -n "$sum" ] || refuse "the manifest backup-$stamp.ok does not list $name"
    actual_size="$(stat -c %s "$file")"
    [ "$actual_size" = "$size" ] \
        || refuse "$name is $actual_size bytes, the manifest says $size: it was truncated or changed after the backup"
    actual_sum="$(sha256sum < "$file")"
    [ "${actual_sum%% *}" = "$sum" ] \
        || refuse "$name does not match the sha256 sum in the manifest: it is damaged or was changed after the backup"
}

check_backup() {
    [ -f "$manifest" ] || {
        if [ -e "$db_file" ] || [ -e "$media_file" ]; then
            refuse "backup $stamp in $dir is not complete (no manifest backup-$stamp.ok: the backup was interrupted or is still running)"
        fi
        refuse "there is no backup $stamp in $dir (restore.sh --list shows the complete ones)"
    }
    check_against_manifest "$db_file"
    check_against_manifest "$media_file"
    gzip -t "$db_file" || refuse "$(basename "$db_file"): its gzip data is damaged"
    local last_line
    last_line="$(gzip -dc "$db_file" | tail -n 1)"
    [[ "$last_line" == "-- Dump completed"* ]] \
        || refuse "$(basename "$db_file"): the dump is incomplete (it does not end with mysqldump's '-- Dump completed' line)"
    gzip -t "$media_file" || refuse "$(basename "$media_file"): its gzip data is damaged"
    tar -tzf "$media_file" > /dev/null || refuse "$(basename "$media_file"): the media archive does not list cleanly (not a whole tar archive)"
}

# --- 0. the off-site copy: downloaded and decrypted into the backup folder, manifest last ---
fetch_offsite() {
    local work="$dir/.offsite-restore-$$" name status=0
    read_passphrase || return 1
    mkdir -p "$dir" && mkdir "$work" || return 1
    {
        offsite download "$stamp" "$work" \
            && decrypt "$work/db-$stamp.sql.gz.gpg" "$db_file.partial" \
            && decrypt "$work/media-$stamp.tar.gz.gpg" "$media_file.partial" \
            && mv -- "$db_file.partial" "$db_file" \
            && mv -- "$media_file.partial" "$media_file" \
            && mv -- "$work/backup-$stamp.ok" "$manifest"
    } || status=1
    rm -rf -- "$work" "$db_file.partial" "$media_file.partial"
    return "$status"
}
if [ "$from_offsite" = 1 ]; then
    say "fetching backup $stamp from the off-site copy"
    fetch_offsite || { say "could not fetch backup $stamp from off-site (above; a wrong passphrase says 'decryption failed'); nothing was changed"; exit 1; }
fi

[ -d "$dir" ] || { say "no backup folder $dir"; exit 1; }
check_backup
if [ "$mode" = check ]; then
    say "backup $stamp is complete and intact"
    exit 0
fi

# --- the restore -----------------------------------------------------------------------------

media="${MEDIA_ROOT:?MEDIA_ROOT is required}"
database="${DB_NAME:?DB_NAME is required}"
[ -d "$media" ] || refuse "MEDIA_ROOT $media is not a folder"
client="$(command -v mysql || command -v mariadb)" || refuse "the mysql (or mariadb) client is not installed"
export MYSQL_PWD="${DB_PASSWORD:-}"
. "$(dirname "${BASH_SOURCE[0]}")/db-tls.sh"
connection=(--default-character-set=utf8mb4 "${db_tls[@]}" -h "${DB_HOST:-127.0.0.1}" -P "${DB_PORT:-3306}" -u "${DB_USER:-root}")

# One backup or restore at a time in a folder: wait for a scheduled backup that is running.
exec 9>>"$dir/.lock"
if ! flock -n 9; then
    say "a backup or another restore is running in $dir; waiting for it to finish (up to 15 minutes)"
    flock -w 900 9 || refuse "the backup or restore running in $dir did not finish in 15 minutes"
fi

leftovers=("$media"/.restore-*)
if [ ${#leftovers[@]} -gt 0 ]; then
    say "warning: ${leftovers[*]} are left from an interrupted restore; they are not part of the media (nor of backups). Check them and delete them."
fi

# Drop every table, view and routine of the database, then load a dump, in one session.
read -r -d '' drop_everything_sql <<'SQL' || true
SELECT CONCAT('DROP ', IF(table_type = 'VIEW', 'VIEW', 'TABLE'), ' IF EXISTS `', REPLACE(table_name, '`', '``'), '`;')
  FROM information_schema.tables WHERE table_schema = DATABASE()
UNION ALL
SELECT CONCAT('DROP ', routine_type, ' IF EXISTS `', REPLACE(routine_name, '`', '``'), '`;')
  FROM information_schema.routines WHERE routine_schema = DATABASE()
SQL
load_dump() {  # <dump.sql.gz>
    local drops
    drops="$("$client" "${connection[@]}" -N -B -r -e "$drop_everything_sql" "$database")" || return 1
    {
        echo "SET FOREIGN_KEY_CHECKS = 0;"
        [ -z "$drops" ] || printf '%s\n' "$drops"
        gzip -dc "$1"
    } | "$client" "${connection[@]}" "$database"
}

new="$media/.restore-new-$$"
old="$media/.restore-old-$$"
safety_stamp=""
safety_dir="$dir/pre-restore"
stage="checked"

put_database_back() {
    if [ -z "$safety_stamp" ]; then
        say "there is no safety backup (--no-safety-backup): the database is half-restored. Restore a backup again."
        return 1
    fi
    say "putting the database back as it was, from the safety backup $safety_stamp"
    if load_dump "$safety_dir/db-$safety_stamp.sql.gz"; then
        say "the database was put back as it was before the restore"
    else
        say "loading the safety backup failed too: the database is in an unknown state. Restore it by hand:"
        say "  BACKUP_DIR=$safety_dir bash docker/backup/restore.sh --no-safety-backup $safety_stamp"
        return 1
    fi
}

put_media_back() {  # undo a swap that did not finish: old entries back, new ones out
    if [ "$stage" = swapping-in ]; then
        find "$media" -mindepth 1 -maxdepth 1 ! -name '.restore-*' -exec rm -rf -- {} +
    fi
    find "$old" -mindepth 1 -maxdepth 1 -exec mv -t "$media" -- {} + && rmdir "$old"
}

finish() {
    local status=$?
    trap - EXIT
    set +e
    case "$stage" in
        checked) ;;
        safety-backup)
            say "restore of $stamp FAILED: the safety backup failed (above); nothing was changed."
            say "To restore without one: restore.sh --no-safety-backup $stamp" ;;
        extracting)
            rm -rf -- "$new"
            say "restore of $stamp FAILED: the media archive could not be extracted (above); nothing was changed" ;;
        loading)
            rm -rf -- "$new"
            say "restore of $stamp FAILED: loading db-$stamp.sql.gz failed half-way (the error is above)"
            put_database_back
            say "the media files were not changed" ;;
        moving-aside | swapping-in)
            say "restore of $stamp FAILED while swapping the media files in; putting the old ones back"
            put_media_back && rm -rf -- "$new"
            put_database_back ;;
        cleaning | "done") ;;
    esac
    [ "$stage" = "done" ] || [ "$stage" = "cleaning" ] || [ "$status" != 0 ] || status=1
    exit "$status"
}
trap finish EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# --- 2. the safety backup ---
if [ "$safety" = 1 ]; then
    stage="safety-backup"
    say "taking a safety backup of the current database and media into $safety_dir"
    safety_stamp="$(BACKUP_DIR="$safety_dir" BACKUP_KEEP="$safety_keep" BACKUP_S3_BUCKET="" bash "$here/backup.sh" | tail -n 1)"
fi

# --- 3. extract the media next to the current ones ---
stage="extracting"
say "extracting $(basename "$media_file")"
mkdir "$new"
tar --extract --gzip --file "$media_file" --directory "$new" --preserve-permissions

# --- 4. the database ---
stage="loading"
say "loading $(basename "$db_file") into $database (every current table is dropped first)"
load_dump "$db_file"

# --- 5. swap the media in ---
stage="moving-aside"
mkdir "$old"
find "$media" -mindepth 1 -maxdepth 1 ! -name '.restore-*' -exec mv -t "$old" -- {} +
stage="swapping-in"
find "$new" -mindepth 1 -maxdepth 1 -exec mv -t "$media" -- {} +
stage="cleaning"
rmdir "$new" && rm -rf -- "$old" || say "warning: could not delete the temporary folders $new and $old; delete them by hand"
stage="done"

say "restored $stamp (database $database and the media files)"
if [ -n "$safety_stamp" ]; then
    say "the state before this restore is the backup $safety_stamp in $safety_dir; to go back to it:"
    say "  BACKUP_DIR=$safety_dir bash docker/backup/restore.sh $safety_stamp"
fi
echo "Restored $stamp"

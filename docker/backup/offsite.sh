#!/usr/bin/env bash
# Shared by backup.sh and restore.sh: the encryption (gpg, AES-256, passphrase) and the
# off-site bucket (offsite.py, the image's Python with boto3) of the off-site backups.
#   BACKUP_S3_BUCKET                  turns off-site copies on (the media bucket or another)
#   BACKUP_ENCRYPTION_PASSPHRASE      or BACKUP_ENCRYPTION_PASSPHRASE_FILE (a Docker secret):
#                                     required with BACKUP_S3_BUCKET; nothing leaves the
#                                     server unencrypted
#   BACKUP_PYTHON (python)            the Python that has boto3

offsite_enabled() { [ -n "${BACKUP_S3_BUCKET:-}" ]; }

offsite() {  # offsite.py <command> <args>...
    "${BACKUP_PYTHON:-python}" "$(dirname "${BASH_SOURCE[0]}")/offsite.py" "$@"
}

# Reads the passphrase into $passphrase; fails with a message naming the setting.
read_passphrase() {
    if [ -n "${BACKUP_ENCRYPTION_PASSPHRASE:-}" ] && [ -n "${BACKUP_ENCRYPTION_PASSPHRASE_FILE:-}" ]; then
        echo "set BACKUP_ENCRYPTION_PASSPHRASE or BACKUP_ENCRYPTION_PASSPHRASE_FILE, not both" >&2
        return 1
    fi
    if [ -n "${BACKUP_ENCRYPTION_PASSPHRASE_FILE:-}" ]; then
        passphrase="$(cat -- "$BACKUP_ENCRYPTION_PASSPHRASE_FILE")" || {
            echo "BACKUP_ENCRYPTION_PASSPHRASE_FILE: cannot read $BACKUP_ENCRYPTION_PASSPHRASE_FILE" >&2
            return 1
        }
    else
        passphrase="${BACKUP_ENCRYPTION_PASSPHRASE:-}"
    fi
    if [ "${#passphrase}" -lt 16 ]; then
        echo "off-site backups need BACKUP_ENCRYPTION_PASSPHRASE (or _FILE) of at least 16 characters: nothing leaves the server unencrypted" >&2
        return 1
    fi
    command -v gpg > /dev/null || { echo "gpg is not installed" >&2; return 1; }
}

gpg_with_passphrase() {  # gpg <args>..., the passphrase on file descriptor 3 (never in argv)
    local home status=0
    home="$(mktemp -d)"
    gpg --homedir "$home" --batch --yes --quiet --no-tty --pinentry-mode loopback \
        --passphrase-fd 3 "$@" 3<<< "$passphrase" || status=$?
    rm -rf -- "$home"
    return "$status"
}

encrypt() {  # <in> <out>
    gpg_with_passphrase --symmetric --cipher-algo AES256 --s2k-digest-algo SHA512 \
        --s2k-count 65011712 --output "$2" "$1"
}

decrypt() {  # <in> <out>
    gpg_with_passphrase --decrypt --output "$2" "$1"
}

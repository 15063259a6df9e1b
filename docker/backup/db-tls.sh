# Sourced by backup.sh and restore.sh (bash): the MySQL client's TLS options from the same
# DB_SSL_MODE, DB_SSL_CA, DB_SSL_CERT and DB_SSL_KEY the shop reads, so backups of a managed
# MySQL that requires TLS work too. Sets the array db_tls.
db_tls=()
case "$(printf '%s' "${DB_SSL_MODE:-}" | tr '[:lower:]-' '[:upper:]_')" in
    "" | PREFERRED) ;;
    DISABLED) db_tls+=(--skip-ssl) ;;
    REQUIRED) db_tls+=(--ssl) ;;
    VERIFY_CA | VERIFY_IDENTITY) db_tls+=(--ssl --ssl-verify-server-cert) ;;
    *) echo "DB_SSL_MODE=$DB_SSL_MODE is not one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY" >&2; exit 1 ;;
esac
if [ "${DB_SSL_MODE:-}" != DISABLED ]; then
    if [ -n "${DB_SSL_CA:-}" ]; then db_tls+=(--ssl-ca="$DB_SSL_CA"); fi
    if [ -n "${DB_SSL_CERT:-}" ]; then db_tls+=(--ssl-cert="$DB_SSL_CERT"); fi
    if [ -n "${DB_SSL_KEY:-}" ]; then db_tls+=(--ssl-key="$DB_SSL_KEY"); fi
fi

#!/bin/sh
# nginx and its certificate, so that the first deployment is one step:
#   certificate.sh render   writes conf.d/shop-https.inc (the HTTPS server, from https.conf.in),
#                           conf.d/shop-files.inc (where static files and media come from:
#                           files-volumes.conf.in, or files-proxied.conf.in when NGINX_FILES
#                           is "proxied") and conf.d/shop-http-fallback.inc (plain HTTP:
#                           redirect to HTTPS) and conf.d/shop-health.inc (/nginx-healthz:
#                           200, or 503 without a certificate)
#                           when NGINX_CERT and NGINX_CERT_KEY exist; without them, no HTTPS
#                           server and plain HTTP answers 503 "being set up" (the ACME
#                           challenge and health checks are served either way).
#   certificate.sh watch    checks the certificate every NGINX_CERT_CHECK_SECONDS (60) and,
#                           when it appears or changes (first issue, renewal), renders again
#                           and reloads nginx.
# Runs in the nginx container (the official image's sh, envsubst); paths are relative to
# NGINX_PREFIX (/etc/nginx), as in nginx.conf.
set -eu
prefix="${NGINX_PREFIX:-/etc/nginx}"
here="$(cd "$(dirname "$0")" && pwd)"
https_conf="$prefix/conf.d/shop-https.inc"
fallback_conf="$prefix/conf.d/shop-http-fallback.inc"
health_conf="$prefix/conf.d/shop-health.inc"
files_conf="$prefix/conf.d/shop-files.inc"

# NGINX_MEDIA_BUCKET_URL (http(s)://host[:port]/bucket/ or a bucket's own host name) split in
# two for files-proxied.conf.in: the origin nginx connects to and the path in front of each key.
media_url="${NGINX_MEDIA_BUCKET_URL:-http://media-bucket.invalid/}"
NGINX_MEDIA_BUCKET_ORIGIN="$(printf '%s' "$media_url" | sed -E 's#^([a-z]+://[^/]+).*#\1#')"
NGINX_MEDIA_BUCKET_PATH="$(printf '%s' "$media_url" | sed -E 's#^[a-z]+://[^/]+##; s#/*$#/#')"
NGINX_RESOLVER="${NGINX_RESOLVER:-127.0.0.11}"
export NGINX_MEDIA_BUCKET_ORIGIN NGINX_MEDIA_BUCKET_PATH NGINX_RESOLVER

state() {  # what nginx should serve: "none", or the certificate's checksum
    if [ -s "$NGINX_CERT" ] && [ -s "$NGINX_CERT_KEY" ]; then
        cat "$NGINX_CERT" "$NGINX_CERT_KEY" | cksum | cut -d' ' -f1
    else
        echo none
    fi
}

render() {
    mkdir -p "$prefix/conf.d"
    if [ "$(state)" = none ]; then
        : > "$https_conf.tmp"
        cat > "$fallback_conf.tmp" <<'CONF'
default_type text/plain;
charset utf-8;
add_header Retry-After 300 always;
return 503 "ហាងកំពុងរៀបចំ។ សូមត្រឡប់មកវិញក្នុងរយៈពេលប៉ុន្មាននាទីទៀត។\nThe shop is being set up. Please come back in a few minutes.\n";
CONF
        printf '%s\n' 'return 503 "no certificate: HTTPS is off\n";' > "$health_conf.tmp"
        echo "certificate.sh: no certificate at $NGINX_CERT yet: plain HTTP only (ACME challenge, health checks)"
    else
        # Only the NGINX_* variables: nginx's own $variables stay as they are.
        nginx_variables="$(env | cut -d= -f1 | grep '^NGINX_' | sed 's/^/$/' | tr '\n' ' ')"
        envsubst "$nginx_variables" < "$here/https.conf.in" > "$https_conf.tmp"
        case "${NGINX_FILES:-volumes}" in
            volumes|proxied) ;;
            *) echo "certificate.sh: NGINX_FILES must be volumes or proxied, not ${NGINX_FILES}" >&2; exit 2 ;;
        esac
        envsubst "$nginx_variables" < "$here/files-${NGINX_FILES:-volumes}.conf.in" > "$files_conf"
        printf 'return 301 https://$host%s$request_uri;\n' "${NGINX_HTTPS_PORT_SUFFIX:-}" > "$fallback_conf.tmp"
        printf '%s\n' 'return 200 "ok\n";' > "$health_conf.tmp"
        echo "certificate.sh: certificate found: serving HTTPS"
    fi
    mv "$https_conf.tmp" "$https_conf"
    mv "$fallback_conf.tmp" "$fallback_conf"
    mv "$health_conf.tmp" "$health_conf"
}

watch() {
    seen="$(state)"
    while sleep "${NGINX_CERT_CHECK_SECONDS:-60}"; do
        now="$(state)"
        [ "$now" = "$seen" ] && continue
        render
        if nginx -t -q; then
            nginx -s reload && seen="$now" && echo "certificate.sh: nginx reloaded with the new certificate"
        else
            echo "certificate.sh: the new configuration does not load; nginx keeps the old one" >&2
        fi
    done
}

case "${1:-}" in
    render) render ;;
    watch) watch ;;
    *) echo "usage: $0 render|watch" >&2; exit 2 ;;
esac

#!/bin/sh
# The certbot service: gets the first certificate for SERVER_NAME (and CERTBOT_DOMAINS, comma-
# separated, if set) through nginx's webroot as soon as it can, then tries a renewal twice a
# day (certbot renews 30 days before expiry). nginx notices the new files by itself.
set -u
domains="${CERTBOT_DOMAINS:-$SERVER_NAME}"
live="/etc/letsencrypt/live/$SERVER_NAME/fullchain.pem"
trap 'exit 0' TERM INT

while [ ! -s "$live" ]; do
    echo "No certificate for $SERVER_NAME yet: asking Let's Encrypt (webroot)."
    # shellcheck disable=SC2086
    if certbot certonly --webroot -w /var/www/certbot --cert-name "$SERVER_NAME" \
        -d "$domains" --email "$LETSENCRYPT_EMAIL" --agree-tos --no-eff-email \
        --non-interactive --keep-until-expiring ${CERTBOT_EXTRA_ARGS:-}; then
        echo "Certificate for $SERVER_NAME issued; nginx switches to HTTPS within a minute."
        break
    fi
    # Let's Encrypt allows 5 failed validations per hour and domain: wait before trying again.
    echo "Could not get a certificate (is $SERVER_NAME's DNS pointing here and port 80 open?); trying again in 15 minutes." >&2
    sleep 900 & wait $!
done

while :; do
    certbot renew --webroot -w /var/www/certbot --quiet
    sleep 12h & wait $!
done

#!/bin/sh
# As the official image's script of the same name: every /etc/nginx/templates/*.template is
# rendered into /etc/nginx/conf.d/ with envsubst, substituting only variables that are set in
# the environment (nginx's own $variables stay as they are).
set -e
template_dir="${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"
suffix="${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}"
output_dir="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
[ -d "$template_dir" ] || exit 0
defined_envs=$(printf '${%s} ' $(env | cut -d= -f1))
for template in $(find "$template_dir" -follow -type f -name "*$suffix"); do
    relative="${template#"$template_dir/"}"
    output="$output_dir/${relative%"$suffix"}"
    mkdir -p "$(dirname "$output")"
    echo "$0: rendering $template to $output"
    envsubst "$defined_envs" < "$template" > "$output"
done

#!/bin/sh
# Run the project's pinned uv (.venv/bin/uv) with the package index this machine's pip uses.
#
# uv reads UV_* settings, not pip.conf or PIP_* variables: pass on pip's index-url,
# extra-index-url, find-links, trusted-host, cert and timeout, however pip got them
# (`pip config list`: PIP_* variables first, then the config files). A UV_* variable that
# is already set wins.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
uv=${UV:-$root/.venv/bin/uv}
python=${PIP_PYTHON:-python3}  # whose pip settings to pass on
config=$("$python" -m pip config list 2>/dev/null || true)

pip_setting() {  # the first value of pip's KEY in any section (":env:", "global", "install")
    printf '%s\n' "$config" | sed -n "s/^[^.]*\.$1='\(.*\)'\$/\1/p" | head -n 1
}

value=$(pip_setting index-url)
[ -n "$value" ] && export UV_DEFAULT_INDEX="${UV_DEFAULT_INDEX:-$value}"
value=$(pip_setting extra-index-url)
[ -n "$value" ] && export UV_INDEX="${UV_INDEX:-$value}"
value=$(pip_setting find-links)
[ -n "$value" ] && export UV_FIND_LINKS="${UV_FIND_LINKS:-$(echo "$value" | tr ' ' ',')}"
value=$(pip_setting trusted-host)
[ -n "$value" ] && export UV_INSECURE_HOST="${UV_INSECURE_HOST:-$value}"
value=$(pip_setting cert)
[ -n "$value" ] && export SSL_CERT_FILE="${SSL_CERT_FILE:-$value}"
value=$(pip_setting timeout)
[ -n "$value" ] || value=$(pip_setting default-timeout)
[ -n "$value" ] && export UV_HTTP_TIMEOUT="${UV_HTTP_TIMEOUT:-$value}"
exec "$uv" "$@"

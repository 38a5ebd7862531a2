# shellcheck shell=bash disable=SC2034
# Shared helpers for scripts/setup and scripts/test. Source it; do not run it.
# Everything here is plain bash and Debian's own tools (pg_lsclusters, pg_ctlcluster, psql).

# The repository root, whatever the caller's working directory.
PASSERELLE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Where cargo builds. Outside the work tree so a fresh clone (CI) reuses earlier builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/passerelle-target}"

# The PostgreSQL the tests use: Debian's cluster on this port, a role passerelle/passerelle.
PASSERELLE_PG_PORT=5432
PASSERELLE_PG_ROLE=passerelle
PASSERELLE_PG_PASSWORD=passerelle
PASSERELLE_PG_ADMIN_URL="postgres://${PASSERELLE_PG_ROLE}:${PASSERELLE_PG_PASSWORD}@127.0.0.1:${PASSERELLE_PG_PORT}/postgres"

if [ -t 1 ]; then _bold=$'\e[1m'; _red=$'\e[31m'; _green=$'\e[32m'; _off=$'\e[0m'; else _bold=; _red=; _green=; _off=; fi

section() { printf '\n%s==== %s ====%s\n' "$_bold" "$*" "$_off"; }
info()    { printf '  %s\n' "$*"; }
warn()    { printf '%sWARNING:%s %s\n' "$_red" "$_off" "$*" >&2; }
die()     { printf '%sERROR:%s %s\n' "$_red" "$_off" "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo -n "$@" || die "needs root for: $* (run as root, or give sudo without password)"
    else die "needs root for: $* (run as root)"
    fi
}

# Run a command as the postgres system user.
as_postgres() {
    if [ "$(id -un)" = postgres ]; then "$@"
    elif [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"
    else sudo -n -u postgres "$@"
    fi
}

# Prints "VERSION CLUSTER" of the cluster listening on $PASSERELLE_PG_PORT, or nothing.
pg_cluster() {
    command -v pg_lsclusters >/dev/null || return 0
    pg_lsclusters -h 2>/dev/null | awk -v p="$PASSERELLE_PG_PORT" '$3 == p { print $1, $2; exit }'
}

# True when the cluster on our port is accepting connections.
pg_ready() {
    pg_isready -q -h 127.0.0.1 -p "$PASSERELLE_PG_PORT" -t 2 2>/dev/null
}

# Starts the cluster on our port if it is down, and waits (up to 60 s) until it answers.
pg_up() {
    local c; c="$(pg_cluster)"
    [ -n "$c" ] || die "no PostgreSQL cluster on port $PASSERELLE_PG_PORT (run scripts/setup)"
    if ! pg_ready; then
        info "starting PostgreSQL cluster $c"
        # shellcheck disable=SC2086
        as_root pg_ctlcluster $c start || true
    fi
    for _ in $(seq 1 60); do
        pg_ready && return 0
        sleep 1
    done
    # shellcheck disable=SC2086
    set -- $c
    tail -n 30 "/var/log/postgresql/postgresql-$1-$2.log" >&2 2>/dev/null || true
    die "PostgreSQL cluster $c did not become ready within 60 s"
}

# Creates (or repairs) the role passerelle/passerelle with LOGIN CREATEDB. Idempotent.
pg_ensure_role() {
    as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PASSERELLE_PG_PORT" -d postgres <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PASSERELLE_PG_ROLE}') THEN
    CREATE ROLE ${PASSERELLE_PG_ROLE} LOGIN CREATEDB PASSWORD '${PASSERELLE_PG_PASSWORD}';
  ELSE
    ALTER ROLE ${PASSERELLE_PG_ROLE} LOGIN CREATEDB PASSWORD '${PASSERELLE_PG_PASSWORD}';
  END IF;
END
\$\$;
SQL
}

# psql as the passerelle role over TCP with its password (what the app and tests do).
pg_psql() {
    psql -X -q -v ON_ERROR_STOP=1 "$PASSERELLE_PG_ADMIN_URL" "$@"
}

# py_venv NAME REQUIREMENTS: makes (once) a Python venv ${TMPDIR:-/tmp}/NAME, pip-installs
# REQUIREMENTS from PyPI whenever that file changed since the last install, and prints the venv
# path. Needs python3 with venv, and PyPI the first time only.
py_venv() {
    local venv="${TMPDIR:-/tmp}/$1" req=$2
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv" >&2 || {
            rm -rf "$venv"
            echo "cannot create a Python venv (on Debian: apt-get install python3-venv)" >&2
            return 2
        }
    fi
    if ! cmp -s "$req" "$venv/.requirements.txt"; then
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
        cp "$req" "$venv/.requirements.txt"
    fi
    printf '%s\n' "$venv"
}

# demo_server_start WORKDIR [SERVE FLAGS...]: serves a fresh SQLite instance with the demo data
# in WORKDIR with $PASSERELLE_BIN; sets demo_pid and demo_base (http://127.0.0.1:PORT). Limits
# on searches and exports are lifted: attack tools are one user asking thousands of times.
# The caller stops it (demo_server_stop, e.g. from its EXIT trap).
demo_pid="" demo_base=""
demo_server_start() {
    local work=$1; shift
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    demo_base="http://127.0.0.1:$port"
    "$PASSERELLE_BIN" serve --addr "127.0.0.1:$port" --data-dir "$work/data" --demo \
        --searches-per-minute 100000000 --exports-per-minute 100000000 "$@" > "$work/server.log" 2>&1 &
    demo_pid=$!
    for _ in $(seq 1 300); do curl -fs "$demo_base/healthz" >/dev/null 2>&1 && return 0; sleep 0.2; done
    tail -n 30 "$work/server.log" >&2
    echo "the demo server did not start within 60 s (log $work/server.log)" >&2
    return 1
}
demo_server_stop() {
    if [ -n "$demo_pid" ]; then kill "$demo_pid" 2>/dev/null && wait "$demo_pid" 2>/dev/null || true; fi
    demo_pid=""
}

# demo_sign_in WORKDIR LOCAL: signs LOCAL@demo.passerelle.test in (password passerelle-demo)
# on $demo_base and prints the Cookie header value of the session.
demo_sign_in() {
    local jar="$1/$2.jar" csrf
    csrf=$(curl -fs -c "$jar" "$demo_base/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
    curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf_token=$csrf" \
        --data-urlencode "email=$2@demo.passerelle.test" --data-urlencode "password=passerelle-demo" "$demo_base/login"
    awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s%s=%s", (n++ ? "; " : ""), $6, $7 }' "$jar"
}

# demo_token WORKDIR LOCAL: prints a new personal API token of LOCAL@demo.passerelle.test.
demo_token() {
    local cookie csrf
    cookie=$(demo_sign_in "$1" "$2")
    csrf=$(curl -fs -H "Cookie: $cookie" "$demo_base/dashboard" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
    curl -fs -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
        --data '{"name": "attack run"}' "$demo_base/api/v1/tokens" | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])'
}

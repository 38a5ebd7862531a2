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

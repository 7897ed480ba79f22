# Source this file: `pgtemp_start` creates and starts a throw-away PostgreSQL cluster (initdb +
# pg_ctl on a free port in a temporary folder), exports DATABASE_URL, and stops and removes it on
# exit. Used by CI and the benchmarks. Runs the server as the postgres user when we are root,
# because initdb refuses to run as root.
pgtemp_start() {
  local db="${1:-madoguchi}"
  PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
  if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "PostgreSQL server binaries not found (set PGBIN)" >&2
    return 1
  fi
  PGTMP="$(mktemp -d /tmp/madoguchi-pg.XXXXXX)"
  PGPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  if [ "$(id -u)" = 0 ]; then chown postgres "$PGTMP"; fi
  trap pgtemp_stop EXIT
  _pg_as_owner "'$PGBIN/initdb' -D '$PGTMP/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
  _pg_as_owner "'$PGBIN/pg_ctl' -D '$PGTMP/data' -l '$PGTMP/server.log' -w -o \"-p $PGPORT -k '$PGTMP' -c listen_addresses=127.0.0.1 -c max_connections=300 ${PGTEMP_OPTIONS:-}\" start" >/dev/null
  _pg_as_owner "'$PGBIN/createdb' -h 127.0.0.1 -p $PGPORT -U postgres '$db'"
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/$db"
}

_pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

pgtemp_stop() {
  if [ -n "${PGTMP:-}" ] && [ -d "$PGTMP" ]; then
    _pg_as_owner "'$PGBIN/pg_ctl' -D '$PGTMP/data' -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$PGTMP"
  fi
}

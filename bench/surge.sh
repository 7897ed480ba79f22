#!/usr/bin/env bash
# Surge benchmark: signed one-request submissions (POST /api/v1/applications) against gunicorn +
# PostgreSQL (or SQLite with SURGE_DB=sqlite), then the floor (a bare Django view inserting the
# same JSON as one row) behind the same server and load generator. Last line:
#   surge: full=<n>/s floor=<n>/s ratio=<x> p99=<n>ms errors=<n>
# SURGE_SECONDS sets each phase's duration (default 300).
#
# `bench/surge.sh crash` instead runs the crash test (bench/surge/crash.py): load with retries,
# kill -9 of the server every CRASH_EVERY seconds, then a check that nothing was lost or doubled.
set -euo pipefail
MODE="${1:-surge}"
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SURGE_SECONDS="${SURGE_SECONDS:-300}"
SURGE_DB="${SURGE_DB:-postgresql}"
SURGE_WORKERS="${SURGE_WORKERS:-4}"
SURGE_CONNECTIONS="${SURGE_CONNECTIONS:-16}"
scripts/need.sh wrk wrk

export SURGE_DIR
SURGE_DIR="$(mktemp -d /tmp/madoguchi-surge.XXXXXX)"
GUNICORN_PID=""
cleanup() {
  if [ -n "$GUNICORN_PID" ]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
  [ "$(type -t pgtemp_stop)" = function ] && pgtemp_stop
  rm -rf "$SURGE_DIR"
}
trap cleanup EXIT

if [ "$SURGE_DB" = postgresql ]; then
  # shellcheck source=scripts/pgtemp.sh
  . scripts/pgtemp.sh
  pgtemp_start madoguchi_surge
  trap cleanup EXIT
else
  unset DATABASE_URL
  export MADOGUCHI_VAR_DIR="$SURGE_DIR/var"
fi
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
# One secret for preparation and server: the development PKI's keys are wrapped with it.
export SECRET_KEY="surge-benchmark-secret-key-$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
export SIGNATURES_PKI_BASE_URL="$BASE/pki/"

echo "== preparing ($SURGE_DB): residents, cards, signed bodies"
MADOGUCHI_ENV=development $PY bench/surge/prepare.py

# The server runs with production settings (DEBUG off): MADOGUCHI_ENV=benchmark is production
# that allows the floor endpoint, which MADOGUCHI_ENV=production refuses. The CRLs are this
# platform's own (the bench PKI is the development one): read them from the database; over HTTP, every worker would
# wait on a CRL request to its own busy server.
export MADOGUCHI_ENV=benchmark DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 \
  SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 LOG_LEVEL=WARNING SIGNATURES_CRL_FETCHER=platform \
  BENCH_FLOOR_ENABLED=1
if [ "$MODE" = crash ]; then
  CRASH_BASE_URL="$BASE" $PY bench/surge/crash.py
  exit $?
fi

echo "== starting gunicorn ($SURGE_WORKERS workers) on $BASE"
PYTHONPATH=src .venv/bin/gunicorn madoguchi.config.wsgi:application --bind "127.0.0.1:$PORT" \
  --workers "$SURGE_WORKERS" --log-level warning >"$SURGE_DIR/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 60); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$BASE/healthz" >/dev/null || { cat "$SURGE_DIR/gunicorn.log"; exit 1; }

run_phase() {  # $1 = path, $2 = key, $3 = name of the CPU split to record (optional)
  local split_pid=""
  if [ -n "${3:-}" ]; then
    python3 bench/surge/cpu_split.py "$(( SURGE_SECONDS > 2 ? SURGE_SECONDS - 1 : 1 ))" \
      "$SURGE_DIR/cpu-$3.json" >/dev/null 2>&1 &
    split_pid=$!
  fi
  SURGE_BODIES="$SURGE_DIR/bodies.jsonl" SURGE_PATH="$1" SURGE_KEY="$2" \
    wrk -t2 -c"$SURGE_CONNECTIONS" -d"${SURGE_SECONDS}s" --timeout 10s \
    -s bench/surge/submit.lua "$BASE" | tee "$SURGE_DIR/wrk.out" >&2
  if [ -n "$split_pid" ]; then wait "$split_pid"; fi
  grep '^RESULT' "$SURGE_DIR/wrk.out"
}
field() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }

KEY="$(cat "$SURGE_DIR/api_key")"
echo "== warm-up (5 s)"
SURGE_SECONDS=5 run_phase /api/v1/applications "$KEY" >/dev/null
echo "== full: signed submissions for ${SURGE_SECONDS}s"
FULL="$(run_phase /api/v1/applications "$KEY" full)"
echo "== floor: one JSON row per request for ${SURGE_SECONDS}s"
FLOOR="$(run_phase /bench/floor "" floor)"
echo "== duplicate storms: ${STORM_REQUESTS:-100} concurrent submissions, one resident, one household"
STORM_STATUS=0
STORM_BASE_URL="$BASE" $PY bench/surge/storm.py || STORM_STATUS=$?

MADOGUCHI_ENV=development $PY - "$FULL" "$FLOOR" <<'PYEOF'
import os, sys
sys.path.insert(0, "src")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")
import django
django.setup()
from madoguchi.applications.models import Application

def parse(line):
    return {k: float(v) for k, v in (p.split("=") for p in line.split()[1:])}

full, floor = parse(sys.argv[1]), parse(sys.argv[2])
accepted = (full["requests"] - full["non2xx"]) / full["seconds"]
floor_rate = (floor["requests"] - floor["non2xx"]) / floor["seconds"]
errors = int(full["non2xx"] + full["socket_errors"])
stored = (
    Application.objects.filter(
        channel="api", procedure_code=os.environ.get("SURGE_PROCEDURE", "child-allowance-change")
    )
    .exclude(status="draft")
    .count()
)
print(f"full: p50={full['p50']:.0f}ms p95={full['p95']:.0f}ms p99={full['p99']:.0f}ms "
      f"accepted={int(full['requests'] - full['non2xx'])} stored={stored}")
print(f"floor: p50={floor['p50']:.0f}ms p95={floor['p95']:.0f}ms p99={floor['p99']:.0f}ms "
      f"errors={int(floor['non2xx'] + floor['socket_errors'])}")
import json
for name, phase, rate in (("full", full, accepted), ("floor", floor, floor_rate)):
    path = os.path.join(os.environ["SURGE_DIR"], f"cpu-{name}.json")
    if os.path.exists(path):
        split = json.load(open(path))
        per = {k: 1000 * v / (rate * split["seconds"]) for k, v in split.items() if k != "seconds"}
        print(f"cpu per {name} request: " + " ".join(f"{k}={v:.2f}ms" for k, v in per.items())
              + f" total={sum(per.values()):.2f}ms")
print(f"surge: full={accepted:.0f}/s floor={floor_rate:.0f}/s ratio={accepted / floor_rate:.2f} "
      f"p99={full['p99']:.0f}ms errors={errors}")
PYEOF
exit "$STORM_STATUS"

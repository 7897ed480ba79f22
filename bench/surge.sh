#!/usr/bin/env bash
# Surge benchmark (issue 14: arrival first, reception in workers) against gunicorn + PostgreSQL
# (or SQLite with SURGE_DB=sqlite):
#  1. arrival: signed one-request submissions (POST /api/v1/applications → 202 到達) with no
#     worker running, so the web tier's capacity is measured alone;
#  2. floor: a bare Django view inserting the same JSON as one row, same server and load generator;
#  3. drain: SURGE_EXAMINERS (2) `arrivals_work --drain` processes examine the queue the burst
#     left (受付 or 受付不可); receptions/s and refusals/s apart (every body of the burst is a
#     distinct envelope, so refusals are only what the burst itself got wrong), and the time
#     from the first arrival to the last 受付;
#  4. latency: with the workers running, submissions at half the drain rate for
#     SURGE_LATENCY_SECONDS; arrival-to-receipt p50/p99 from the arrivals' own timestamps;
#  5. the duplicate storms, through the workers.
# Last line:
#   surge: arrival=<n>/s floor=<n>/s ratio=<x> p99=<n>ms drain=<n>/s errors=<n>
# (drain = receptions/s).
# SURGE_SECONDS sets the arrival and floor phases' duration (default 300).
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
SURGE_EXAMINERS="${SURGE_EXAMINERS:-2}"
SURGE_LATENCY_SECONDS="${SURGE_LATENCY_SECONDS:-20}"
scripts/need.sh wrk wrk

export SURGE_DIR
SURGE_DIR="$(mktemp -d /tmp/madoguchi-surge.XXXXXX)"
GUNICORN_PID=""
EXAMINER_PIDS=""
cleanup() {
  for pid in $EXAMINER_PIDS; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
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
# As many distinct bodies as the burst can send (a body sent twice is a replay, refused).
if [ "$MODE" = surge ]; then
  export SURGE_BODIES="${SURGE_BODIES:-$(( SURGE_SECONDS * ${SURGE_BODIES_PER_SECOND:-700} ))}"
else  # the crash test sends bodies.jsonl only
  export SURGE_WARM_BODIES="${SURGE_WARM_BODIES:-0}" SURGE_FRESH_PER_RESIDENT="${SURGE_FRESH_PER_RESIDENT:-0}"
fi
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
  SURGE_BODIES="${BODIES_FILE:-$SURGE_DIR/bodies.jsonl}" SURGE_PATH="$1" SURGE_KEY="$2" \
    SURGE_THREADS=2 wrk -t2 -c"$SURGE_CONNECTIONS" -d"${SURGE_SECONDS}s" --timeout 10s \
    -s bench/surge/submit.lua "$BASE" | tee "$SURGE_DIR/wrk.out" >&2
  if [ -n "$split_pid" ]; then wait "$split_pid"; fi
  grep '^RESULT' "$SURGE_DIR/wrk.out"
}
field() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }

KEY="$(cat "$SURGE_DIR/api_key")"
examiners_start() {  # $1 = extra arguments of arrivals_work
  EXAMINER_PIDS=""
  for _ in $(seq 1 "$SURGE_EXAMINERS"); do
    PYTHONPATH=src $PY manage.py arrivals_work $1 >>"$SURGE_DIR/examiners.log" 2>&1 &
    EXAMINER_PIDS="$EXAMINER_PIDS $!"
  done
}
echo "== warm-up (5 s), examined before the timed phases"
BODIES_FILE="$SURGE_DIR/warm.jsonl" SURGE_SECONDS=5 run_phase /api/v1/applications "$KEY" >/dev/null
examiners_start --drain; for pid in $EXAMINER_PIDS; do wait "$pid"; done; EXAMINER_PIDS=""
MARK="$($PY bench/surge/arrivals.py mark)"
echo "== arrival: signed submissions for ${SURGE_SECONDS}s (no worker running)"
ARRIVAL="$(run_phase /api/v1/applications "$KEY" arrival)"
echo "== floor: one JSON row per request for ${SURGE_SECONDS}s"
FLOOR="$(run_phase /bench/floor "" floor)"
echo "== drain: $SURGE_EXAMINERS workers examine what arrived"
DRAIN_STARTED="$(date +%s.%N)"
examiners_start --drain; for pid in $EXAMINER_PIDS; do wait "$pid"; done; EXAMINER_PIDS=""
DRAIN_SECONDS="$(python3 -c "import time; print(f'{time.time() - $DRAIN_STARTED:.3f}')")"
DRAIN="$($PY bench/surge/arrivals.py drain "$MARK" "$DRAIN_SECONDS")"
echo "$DRAIN"
DRAIN_RATE="$(field "$DRAIN" rate)"
echo "== latency: $SURGE_EXAMINERS workers running, submissions at half the drain rate"
examiners_start ""
LATENCY_MARK="$($PY bench/surge/arrivals.py mark)"
SURGE_BASE_URL="$BASE" $PY bench/surge/arrivals.py pace "$KEY" \
  "$(python3 -c "print(max(1.0, $DRAIN_RATE / 2))")" "$SURGE_LATENCY_SECONDS"
LATENCY="$($PY bench/surge/arrivals.py latency "$LATENCY_MARK")"
echo "$LATENCY"
echo "== duplicate storms: ${STORM_REQUESTS:-100} concurrent submissions, one resident, one household"
STORM_STATUS=0
STORM_BASE_URL="$BASE" $PY bench/surge/storm.py || STORM_STATUS=$?
for pid in $EXAMINER_PIDS; do kill "$pid"; wait "$pid" 2>/dev/null || true; done; EXAMINER_PIDS=""

MADOGUCHI_ENV=development $PY - "$ARRIVAL" "$FLOOR" "$DRAIN" "$LATENCY" <<'PYEOF'
import json, os, sys

def parse(line):
    return {k: float(v) for k, v in (p.split("=") for p in line.split()[1:])}

arrival, floor, drain = parse(sys.argv[1]), parse(sys.argv[2]), parse(sys.argv[3])
latency = parse(sys.argv[4])
accepted = (arrival["requests"] - arrival["non2xx"]) / arrival["seconds"]
floor_rate = (floor["requests"] - floor["non2xx"]) / floor["seconds"]
errors = int(arrival["non2xx"] + arrival["socket_errors"])
print(f"arrival: p50={arrival['p50']:.0f}ms p95={arrival['p95']:.0f}ms p99={arrival['p99']:.0f}ms "
      f"arrived={int(arrival['requests'] - arrival['non2xx'])}")
print(f"floor: p50={floor['p50']:.0f}ms p95={floor['p95']:.0f}ms p99={floor['p99']:.0f}ms "
      f"errors={int(floor['non2xx'] + floor['socket_errors'])}")
print(f"drain: examined={int(drain['examined'])} received={int(drain['received'])} "
      f"refused={int(drain['refused'])} waiting={int(drain['waiting'])} "
      f"seconds={drain['seconds']:.1f} rate={drain['rate']:.0f}/s "
      f"receptions={drain['received_rate']:.0f}/s refusals={drain['refused_rate']:.0f}/s "
      f"first_arrival_to_last_receipt={drain['span']:.1f}s")
print(f"latency at {latency['offered']:.0f}/s: arrival-to-receipt p50={latency['p50']:.0f}ms "
      f"p99={latency['p99']:.0f}ms n={int(latency['n'])}")
for name, phase, rate in (("arrival", arrival, accepted), ("floor", floor, floor_rate)):
    path = os.path.join(os.environ["SURGE_DIR"], f"cpu-{name}.json")
    if os.path.exists(path):
        split = json.load(open(path))
        per = {k: 1000 * v / (rate * split["seconds"]) for k, v in split.items() if k != "seconds"}
        print(f"cpu per {name} request: " + " ".join(f"{k}={v:.2f}ms" for k, v in per.items())
              + f" total={sum(per.values()):.2f}ms")
print(f"surge: arrival={accepted:.0f}/s floor={floor_rate:.0f}/s ratio={accepted / floor_rate:.2f} "
      f"p99={arrival['p99']:.0f}ms drain={drain['received_rate']:.0f}/s errors={errors}")
PYEOF
exit "$STORM_STATUS"

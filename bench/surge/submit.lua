-- wrk script: POST pre-signed bodies (one JSON per line of SURGE_BODIES) and report p50/p95/p99
-- and non-2xx responses in a form surge.sh parses. Thread i of SURGE_THREADS sends bodies i,
-- i + SURGE_THREADS, i + 2 × SURGE_THREADS, …: no body is sent twice until all were sent once
-- (a body sent again is a replayed signature, refused at reception).
local bodies = {}
local path = os.getenv("SURGE_BODIES")
local target = os.getenv("SURGE_PATH") or "/api/v1/applications"
local key = os.getenv("SURGE_KEY") or ""

for line in io.lines(path) do
  bodies[#bodies + 1] = line
end

local counter = 0
local stride = tonumber(os.getenv("SURGE_THREADS") or "2")
local thread_count = 0
local threads = {}

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  bad = 0
end

function request()
  local body = bodies[((counter * stride + (id or 0)) % #bodies) + 1]
  counter = counter + 1
  local headers = {["Content-Type"] = "application/json"}
  if key ~= "" then
    headers["Authorization"] = "Bearer " .. key
  end
  return wrk.format("POST", target, headers, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if bad <= 3 then
      io.stderr:write("unexpected " .. status .. ": " .. string.sub(body, 1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local bad_total = 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + (thread:get("bad") or 0)
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f p50=%.1f p95=%.1f p99=%.1f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    bad_total, socket_errors))
end

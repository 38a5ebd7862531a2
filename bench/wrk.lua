-- wrk script for bench/run: a signed-in user (Cookie from $BENCH_COOKIE), optionally a form
-- POST ($BENCH_BODY, sent as application/x-www-form-urlencoded), and a JSON summary in done().
local cookie = os.getenv("BENCH_COOKIE") or ""
local body = os.getenv("BENCH_BODY")
local name = os.getenv("BENCH_SCENARIO") or "scenario"

wrk.headers["Cookie"] = cookie
wrk.headers["Accept-Encoding"] = "br, gzip"
if body and body ~= "" then
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    '{"scenario":"%s","requests":%d,"seconds":%.2f,"rps":%.1f,"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    name, summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end

-- wrk scenario for bench/load.py: rotates over the pages and API endpoints given in
-- PATHS and over the signed-in users in USERS (cookie and token per user), counts the
-- answers that are errors, and prints one JSON line with the figures.
local paths, users = {}, {}
for p in string.gmatch(os.getenv("LOAD_PATHS"), "[^,]+") do paths[#paths + 1] = p end
for u in string.gmatch(os.getenv("LOAD_USERS"), "[^,]+") do
  local cookie, token = string.match(u, "([^|]+)|([^|]+)")
  users[#users + 1] = {cookie = cookie, token = token}
end

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter, errors, statuses = id * 7919, 0, {}
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  local user = users[(counter % #users) + 1]
  local headers = {}
  if string.sub(path, 1, 5) == "/api/" then
    headers["Authorization"] = "Token " .. user.token
  else
    headers["Cookie"] = "sessionid=" .. user.cookie
  end
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  if status >= 400 then
    errors = errors + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("errors") end
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.1f, "rps": %.1f, "p50_ms": %.0f, "p95_ms": %.0f, '
    .. '"p99_ms": %.0f, "http_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, failed, socket))
end

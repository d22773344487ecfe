-- wrk script: cycle through a list of requests, one a line: PATH, or PATH<TAB>COOKIE.
-- Each thread starts at its own place in the list; done() prints the figures as one JSON line.
--   URLS=bench/results/urls.txt wrk -t2 -c16 -d6s -s bench/urls.lua http://127.0.0.1:8000
local requests = {}
local position = 1
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
  table.insert(threads, thread)
end

function init(args)
  local extra = {}
  if os.getenv("ACCEPT_ENCODING") and os.getenv("ACCEPT_ENCODING") ~= "" then
    extra["Accept-Encoding"] = os.getenv("ACCEPT_ENCODING")
  end
  for line in io.lines(os.getenv("URLS")) do
    local path, cookie = line:match("^([^\t]+)\t?(.*)$")
    if path then
      local headers = {}
      for name, value in pairs(extra) do headers[name] = value end
      if cookie and cookie ~= "" then headers["Cookie"] = cookie end
      table.insert(requests, wrk.format("GET", path, headers))
    end
  end
  -- Threads start far apart in the list, so that they do not send the same URLs at once.
  position = ((offset or 1) - 1) * math.floor(#requests / 2) % #requests + 1
end

function request()
  local r = requests[position]
  position = position % #requests + 1
  return r
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, '
      .. '"mean_ms": %.3f, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.mean / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end

-- wrk script for bench/webhook_load.sh: each request is the next pre-signed webhook from the file
-- in $BENCH_WEBHOOKS ("<signature>\t<body>" per line). Thread k of n sends lines k, k+n, k+2n, ...
-- so no two requests carry the same event. A thread that runs out of lines stops (the shell
-- script then reports that the run was cut short) rather than resend an event the bot would drop
-- as a duplicate with a cheap 200.
--
-- Fixed rate ($BENCH_RATE webhooks a second over all threads): each request takes the next free
-- send slot of its thread's schedule (one every threads/rate seconds) and waits for it with wrk's
-- delay(), so the load does not follow the bot's speed; the latency wrk reports is still that of
-- each request from its send to its answer. wrk's delay has millisecond steps: requests leave in
-- small bursts at each millisecond, as a busy LINE delivers them.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local now_ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, now_ts)  -- CLOCK_MONOTONIC
  return tonumber(now_ts.tv_sec) * 1000 + tonumber(now_ts.tv_nsec) / 1e6
end
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local file, stride
exhausted = 0  -- a global, so that done() can read it with thread:get
refused = 0    -- 503s: the bot's back-pressure (LINE would redeliver those events later)

local interval_ms, next_slot_ms

function init(args)
  file = assert(io.open(os.getenv("BENCH_WEBHOOKS"), "r"))
  stride = tonumber(os.getenv("BENCH_THREADS"))
  local rate = tonumber(os.getenv("BENCH_RATE") or "")
  if rate and rate > 0 then
    interval_ms = stride * 1000 / rate
    next_slot_ms = now_ms()
  end
  for _ = 1, id do file:read("*l") end
  exhausted = 0
  refused = 0
end

local function next_line()
  local line = file:read("*l")
  for _ = 2, stride do file:read("*l") end
  return line
end

if (tonumber(os.getenv("BENCH_RATE") or "") or 0) > 0 then
  function delay()
    local now = now_ms()
    if next_slot_ms < now - 1000 then next_slot_ms = now - 1000 end  -- never a burst to catch up a second
    next_slot_ms = next_slot_ms + interval_ms
    local wait = next_slot_ms - now
    if wait < 0 then return 0 end
    return wait
  end
end

function request()
  local line = next_line()
  if not line then
    exhausted = exhausted + 1
    wrk.thread:stop()
    line = "-\t{}"
  end
  local tab = line:find("\t", 1, true)
  return wrk.format("POST", "/webhook",
    {["Content-Type"] = "application/json", ["x-line-signature"] = line:sub(1, tab - 1)},
    line:sub(tab + 1))
end

function response(status, headers, body)
  if status == 503 then refused = refused + 1 end
end

function done(summary, latency, requests)
  local non2xx = 0
  -- wrk counts 4xx/5xx answers as status errors
  non2xx = summary.errors.status
  local function ms(us) return string.format("%.3f", us / 1000) end
  io.write(string.format("BENCH requests=%d duration_s=%.3f rps=%.1f non2xx=%d connect_err=%d read_err=%d write_err=%d timeout_err=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), non2xx,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write(string.format("BENCH latency_ms p50=%s p90=%s p99=%s p99.9=%s max=%s mean=%s\n",
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)),
    ms(latency:percentile(99.9)), ms(latency.max), ms(latency.mean)))
  local out = 0
  for _, t in ipairs(threads) do out = out + (t:get("exhausted") or 0) end
  io.write(string.format("BENCH exhausted=%d\n", out))
  local r = 0
  for _, t in ipairs(threads) do r = r + (t:get("refused") or 0) end
  io.write(string.format("BENCH refused_503=%d accepted_200=%d accepted_per_s=%.1f\n", r, summary.requests - r,
    (summary.requests - r) / (summary.duration / 1e6)))
end

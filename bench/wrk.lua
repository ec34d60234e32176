-- The load generator's script for `npm run bench` (bench/lib/wrk.ts runs it): Debian's wrk (C,
-- LuaJIT), every request built in init(), before wrk opens a connection, and every answer judged.
--
-- Environment (read by every thread's init and by done()):
--   BENCH_SCENARIO  floor | send | login | account (send-ratelimited is `send`)
--   BENCH_PREFIX    unique per wrk run: ids and emails of generated requests start with it
--   BENCH_COUNT     requests generated per thread (floor, send)
--   BENCH_DATA      input lines (login: "userId code", account: "userId secret"); thread i of n
--                   takes lines i, i+n, … (login: each pair once; account: round robin)
--   BENCH_THREADS   wrk's -t, to split the data
--   BENCH_QUERY     the operation of send, login and account, JSON-escaped
--   BENCH_OUT       done() writes the result here: one JSON line, then the records (send:
--                   "requestId userId", login: "userId secret") of verified answers, one a line
--
-- Only an answer with status 200, no `errors` and the expected __typename and data counts as ok:
--   floor    Hit, with the id sent (the id is echoed in the body)
--   send     Token with a userId, x-request-id echoed
--   login    Session of the userId sent (echoed in x-request-id) with a secret
--   account  Account whose id is the session's userId (echoed in x-request-id)
-- Anything else is counted by kind: http-<status>, graphql-error, the typename, no-echo, wrong-*.

local scenario = os.getenv("BENCH_SCENARIO") or "floor"
local prefix = os.getenv("BENCH_PREFIX") or "b"
local path = "/graphql"

-- The scenario's operation, JSON-escaped (bench/lib/workloads.ts QUERIES, the census's too); the
-- floor's is its own (bench/floor-server.mjs).
local QUERY = os.getenv("BENCH_QUERY") or ""
local FLOOR = 'mutation Hit($id: String!) { hit(id: $id) { __typename id } }'

-- Main state: collects the threads for done().
local threads = {}
local nthreads = 0
function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
  table.insert(threads, thread)
end

-- Thread state: the prepared requests, the counters and the records.
local requests = {}
local nrequests = 0
local nextRequest = 1
local filler
ok = 0
sent = 0
exhausted = 0
failures = {}
records = {}
local nrecords = 0

local function format(body, requestId, extra)
  local headers = { ["Content-Type"] = "application/json", ["X-Request-Id"] = requestId }
  if extra then
    for k, v in pairs(extra) do headers[k] = v end
  end
  return wrk.format("POST", path, headers, body)
end

local function lines(file, tid, n)
  local out = {}
  local f = assert(io.open(file, "r"))
  local i = 0
  for line in f:lines() do
    if line ~= "" then
      if i % n == tid then out[#out + 1] = line end
      i = i + 1
    end
  end
  f:close()
  return out
end

function init(args)
  local tid = tid or 0
  local n = tonumber(os.getenv("BENCH_THREADS") or "1")
  local count = tonumber(os.getenv("BENCH_COUNT") or "0")
  filler = format('{"query":"{ __typename }"}', "filler")
  if scenario == "floor" or scenario == "send" then
    for i = 1, count do
      local id = string.format("%s-t%d-%d", prefix, tid, i)
      local body
      if scenario == "floor" then
        body = '{"query":"' .. FLOOR .. '","variables":{"id":"' .. id .. '"}}'
      else
        body = '{"query":"' .. QUERY .. '","variables":{"email":"' .. id .. '@example.com"}}'
      end
      requests[i] = format(body, id)
    end
  elseif scenario == "login" then
    for i, line in ipairs(lines(os.getenv("BENCH_DATA"), tid, n)) do
      local userId, code = line:match("^(%S+) (%S+)$")
      local body = '{"query":"' .. QUERY .. '","variables":{"userId":"' .. userId .. '","secret":"' .. code .. '"}}'
      requests[i] = format(body, userId)
    end
  elseif scenario == "account" then
    local body = '{"query":"' .. QUERY .. '"}'
    for i, line in ipairs(lines(os.getenv("BENCH_DATA"), tid, n)) do
      local userId, secret = line:match("^(%S+) (%S+)$")
      requests[i] = format(body, userId, { Authorization = "Bearer " .. secret })
    end
  end
  nrequests = #requests
end

function request()
  if nextRequest > nrequests then
    if scenario == "account" and nrequests > 0 then
      nextRequest = 1 -- sessions are used round robin
    else
      exhausted = 1
      return filler
    end
  end
  local r = requests[nextRequest]
  nextRequest = nextRequest + 1
  sent = sent + 1
  return r
end

local function fail(kind)
  failures[kind] = (failures[kind] or 0) + 1
end

local function record(line)
  nrecords = nrecords + 1
  records[nrecords] = line
end

-- The typename of the top-level field, for a failure's kind.
local function typename(body)
  return body:match('"__typename":"(%w+)"') or "no-data"
end

function response(status, headers, body)
  local echo = headers["x-request-id"] or headers["X-Request-Id"]
  if echo == "filler" then return end
  if status ~= 200 then return fail("http-" .. status) end
  if body:find('"errors"', 1, true) then return fail("graphql-error") end
  if scenario == "floor" then
    if not body:find('"__typename":"Hit","id":"' .. prefix .. '-t', 1, true) then return fail(typename(body)) end
  elseif scenario == "send" then
    if not body:find('"__typename":"Token"', 1, true) then return fail(typename(body)) end
    local userId = body:match('"userId":"([^"]+)"')
    if not userId then return fail("no-userId") end
    if not echo or echo:sub(1, #prefix + 1) ~= prefix .. "-" then return fail("no-echo") end
    record(echo .. " " .. userId)
  elseif scenario == "login" then
    if not body:find('"__typename":"Session"', 1, true) then return fail(typename(body)) end
    if not echo then return fail("no-echo") end
    if not body:find('"userId":"' .. echo .. '"', 1, true) then return fail("wrong-session") end
    local secret = body:match('"secret":"([^"]+)"')
    if not secret then return fail("no-secret") end
    record(echo .. " " .. secret)
  elseif scenario == "account" then
    if not body:find('"__typename":"Account"', 1, true) then return fail(typename(body)) end
    if not echo then return fail("no-echo") end
    if not body:find('"id":"' .. echo .. '"', 1, true) then return fail("wrong-account") end
  end
  ok = ok + 1
end

local function json(value)
  if type(value) == "table" then
    local parts = {}
    for k, v in pairs(value) do parts[#parts + 1] = string.format("%q:%s", tostring(k), json(v)) end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif type(value) == "number" then
    return string.format("%.17g", value)
  else
    return string.format("%q", tostring(value))
  end
end

function done(summary, latency, requests)
  local result = {
    durationUs = summary.duration,
    bytes = summary.bytes,
    errors = summary.errors,
    latencyUs = {
      min = latency.min, max = latency.max, mean = latency.mean,
      p50 = latency:percentile(50), p90 = latency:percentile(90),
      p99 = latency:percentile(99), p999 = latency:percentile(99.9),
    },
    ok = 0, sent = 0, exhausted = 0, failures = {}, records = 0,
  }
  local out = assert(io.open(os.getenv("BENCH_OUT"), "w"))
  local all = {}
  for _, thread in ipairs(threads) do
    result.ok = result.ok + thread:get("ok")
    result.sent = result.sent + thread:get("sent")
    if thread:get("exhausted") == 1 then result.exhausted = 1 end
    for kind, n in pairs(thread:get("failures")) do result.failures[kind] = (result.failures[kind] or 0) + n end
    for _, line in ipairs(thread:get("records")) do
      all[#all + 1] = line
    end
  end
  result.records = #all
  out:write(json(result), "\n")
  if #all > 0 then out:write(table.concat(all, "\n"), "\n") end
  out:close()
end

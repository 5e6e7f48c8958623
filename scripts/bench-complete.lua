-- wrk script of scripts/bench: completes each open job exactly once (a second completion of a
-- job answers 400 "Already completed" and measures nothing).
--
--   wrk ... -s scripts/bench-complete.lua <base> -- <ids file> <threads> <access token> <marker>
--
-- Thread k of n takes ids k+1, k+1+n, … of the file and POSTs {} to
-- /api/v1/service-requests/{id}/complete/ with the bearer token. A connection asks for its next
-- request only while ids remain (delay() reserves one, request() sends it); after that it
-- waits. When a thread has had an answer for each of its ids it writes <marker><k> and stops;
-- scripts/bench ends wrk then (SIGINT), so wrk's time and requests/s are the completions'.

local next_worker = 0

function setup(thread)
  thread:set("worker", next_worker)
  next_worker = next_worker + 1
end

local ids = {}
local reserved, sent, answered, failures = 0, 0, 0, 0
local marker

local function finish()
  local file = io.open(marker .. worker, "w")
  if file then
    file:write(tostring(answered))
    file:close()
  end
  wrk.thread:stop()
end

function init(args)
  local path, threads, token = args[1], tonumber(args[2]), args[3]
  marker = args[4]
  local n = 0
  for line in io.lines(path) do
    if line ~= "" then
      if n % threads == worker then
        ids[#ids + 1] = line
      end
      n = n + 1
    end
  end
  wrk.method = "POST"
  wrk.body = "{}"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

function delay()
  if reserved < #ids then
    reserved = reserved + 1
    return 0
  end
  if #ids == 0 then
    finish()
  end
  -- Every id is handed out: wait (an hour) until this thread is stopped.
  return 3600000
end

local function complete_path(id)
  return "/api/v1/service-requests/" .. id .. "/complete/"
end

function request()
  if reserved == 0 then
    -- wrk calls request() once before the run to check the script; nothing is sent, so no id
    -- is used up.
    return wrk.format(nil, complete_path(ids[1] or "0"))
  end
  sent = sent + 1
  local id = ids[math.min(sent, #ids)]
  if sent > #ids then
    -- Not expected (delay() hands out one request per id); a read-only call, never a second
    -- completion.
    return wrk.format("GET", "/api/v1/service-requests/" .. id .. "/")
  end
  return wrk.format(nil, complete_path(id))
end

function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 then
    failures = failures + 1
    if failures <= 3 then
      io.stderr:write(string.format("completion answered %d: %s\n", status, body))
    end
  end
  if answered >= #ids then
    finish()
  end
end

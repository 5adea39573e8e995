-- A weighted mix of requests (bench/mixed_load.py writes them to the file named by WRK_MIX_FILE), each
-- connection pausing between requests so the whole load stays near WRK_RATE requests per second.
-- Summary from report.lua.
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
require "report"

local mix = dofile(os.getenv("WRK_MIX_FILE"))
local total = 0
for _, item in ipairs(mix.requests) do
  total = total + item.weight
end
local mean_pause = mix.mean_pause_ms

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

function request()
  local pick = math.random() * total
  for _, item in ipairs(mix.requests) do
    pick = pick - item.weight
    if pick <= 0 then
      return wrk.format(item.method, item.path, item.headers, item.body)
    end
  end
  local last = mix.requests[#mix.requests]
  return wrk.format(last.method, last.path, last.headers, last.body)
end

function delay()
  -- exponential pauses: arrivals close to a Poisson process at the chosen rate
  return math.floor(-math.log(1 - math.random()) * mean_pause)
end

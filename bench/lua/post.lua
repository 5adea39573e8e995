-- POST the body in the file named by WRK_BODY_FILE (form-encoded) to the URL; headers from -H; summary from report.lua.
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
require "report"

local handle = io.open(os.getenv("WRK_BODY_FILE"), "r")
wrk.method = "POST"
wrk.body = handle:read("*a")
handle:close()
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

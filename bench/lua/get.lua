-- GET the URL given on the command line (with any -H headers); summary from report.lua.
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
require "report"

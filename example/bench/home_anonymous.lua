-- GET /home/ as an anonymous visitor: no cookie is ever sent back.
package.path = package.path .. ";" .. (os.getenv("BENCH_DIR") or ".") .. "/?.lua"
require("common")

request = function()
  return wrk.format("GET", "/home/")
end

response = function(status, headers, body)
  if status ~= 200 or not body:find("Welcome to the homepage!", 1, true) then
    failures = failures + 1
  else
    cycles = cycles + 1
  end
  wrk.thread:set("failures", failures)
  wrk.thread:set("cycles", cycles)
end

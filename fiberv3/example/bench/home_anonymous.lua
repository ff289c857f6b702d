-- GET /home/ as an anonymous visitor: no cookie is ever sent back. A cycle is
-- one 200 home page that does not greet anyone.
package.path = package.path .. ";" .. (os.getenv("BENCH_DIR") or ".") .. "/?.lua"
require("common")

request = function()
  return wrk.format("GET", "/home/")
end

response = function(status, headers, body)
  if status == 200 and is_home(body) and not greets_demo(body) then
    cycles = cycles + 1
  else
    fail_page = fail_page + 1
  end
  publish()
end

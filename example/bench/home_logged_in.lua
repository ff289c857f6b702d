-- GET /home/ logged in as demo: each thread (one connection) logs in once
-- through the login form, then asks for /home/ with its session cookie.
package.path = package.path .. ";" .. (os.getenv("BENCH_DIR") or ".") .. "/?.lua"
require("common")

local state = "login-form"

request = function()
  if state == "login-form" then
    return get("/accounts/login/")
  elseif state == "login" then
    return post("/accounts/login/", "username=demo&password=demo&next=%2Fhome%2F&csrfmiddlewaretoken=" .. (token or ""))
  end
  return get("/home/")
end

response = function(status, headers, body)
  remember(headers)
  if state == "login-form" then
    scrape(body)
    state = "login"
  elseif state == "login" then
    if status ~= 302 then failures = failures + 1; state = "login-form" else state = "home" end
  else
    if status == 200 and body:find("Hello, demo", 1, true) then
      cycles = cycles + 1
    else
      failures = failures + 1
      state = "login-form"
    end
  end
  wrk.thread:set("failures", failures)
  wrk.thread:set("cycles", cycles)
end

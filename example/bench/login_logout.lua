-- Login → logout cycles with CSRF tokens, one connection per thread:
-- GET login form, POST credentials (302), GET /home/ (must greet demo and
-- carry a fresh token), POST logout (302), and again.
package.path = package.path .. ";" .. (os.getenv("BENCH_DIR") or ".") .. "/?.lua"
require("common")

local state = "login-form"

request = function()
  if state == "login-form" then
    return get("/accounts/login/")
  elseif state == "login" then
    return post("/accounts/login/", "username=demo&password=demo&next=%2Fhome%2F&csrfmiddlewaretoken=" .. (token or ""))
  elseif state == "home" then
    return get("/home/")
  end
  return post("/accounts/logout/", "csrfmiddlewaretoken=" .. (token or ""))
end

response = function(status, headers, body)
  remember(headers)
  if state == "login-form" then
    scrape(body)
    state = "login"
  elseif state == "login" then
    if status == 302 then state = "home" else failures = failures + 1; state = "login-form" end
  elseif state == "home" then
    scrape(body)
    if status == 200 and body:find("Hello, demo", 1, true) then state = "logout" else failures = failures + 1; state = "login-form" end
  else
    if status == 302 then cycles = cycles + 1 else failures = failures + 1 end
    state = "login-form"
  end
  wrk.thread:set("failures", failures)
  wrk.thread:set("cycles", cycles)
end

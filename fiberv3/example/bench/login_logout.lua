-- Login → logout cycles with CSRF tokens, one connection per thread. A cycle:
--   1. GET  /accounts/login/   200, a form with a CSRF token;
--   2. POST /accounts/login/   credentials + token: 302 to /home/ with a session cookie;
--   3. GET  /home/             200, greets demo, carries a fresh token;
--   4. POST /accounts/logout/  that token: 302;
--   5. GET  /home/             with the session cookie from before the logout
--                              (a client that ignores the expired cookie): must
--                              not greet demo, i.e. the server really logged out.
-- A login that fails counts under "login", a logout that does not log out
-- under "logout"; either starts the cycle over.
package.path = package.path .. ";" .. (os.getenv("BENCH_DIR") or ".") .. "/?.lua"
require("common")

local state = "login-form"
local old_session = nil

request = function()
  if state == "login-form" then
    return get("/accounts/login/")
  elseif state == "login" then
    return post("/accounts/login/", "username=demo&password=demo&next=%2Fhome%2F&csrfmiddlewaretoken=" .. (token or ""))
  elseif state == "home" then
    return get("/home/")
  elseif state == "logout" then
    old_session = jar["sessionid"]
    return post("/accounts/logout/", "csrfmiddlewaretoken=" .. (token or ""))
  end
  return get("/home/", { sessionid = old_session or "" })
end

response = function(status, headers, body)
  remember(headers)
  if state == "login-form" then
    if status == 200 and scrape(body) then state = "login" else fail_page = fail_page + 1 end
  elseif state == "login" then
    if status == 302 and location(headers) == "/home/" and jar["sessionid"] then
      state = "home"
    else
      fail_login = fail_login + 1; state = "login-form"
    end
  elseif state == "home" then
    if status == 200 and greets_demo(body) and scrape(body) then
      state = "logout"
    else
      fail_login = fail_login + 1; state = "login-form"
    end
  elseif state == "logout" then
    if status == 302 and not jar["sessionid"] then
      state = "check"
    else
      fail_logout = fail_logout + 1; jar["sessionid"] = nil; state = "login-form"
    end
  else
    if status == 200 and is_home(body) and not greets_demo(body) then
      cycles = cycles + 1
    elseif status == 200 and greets_demo(body) then
      fail_logout = fail_logout + 1
    else
      fail_page = fail_page + 1
    end
    state = "login-form"
  end
  publish()
end

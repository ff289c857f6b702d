-- GET /home/ logged in as demo: each thread (one connection) logs in once
-- through the login form (GET, then POST with the form's CSRF token), then
-- asks for /home/ with its session cookie; a cycle is one home page that
-- greets demo. Any failure starts over with a new login.
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
    if status == 200 and scrape(body) then state = "login" else fail_page = fail_page + 1 end
  elseif state == "login" then
    if status == 302 and location(headers) == "/home/" and jar["sessionid"] then
      state = "home"
    else
      fail_login = fail_login + 1; state = "login-form"
    end
  else
    if status == 200 and greets_demo(body) then
      cycles = cycles + 1
    else
      fail_login = fail_login + 1; state = "login-form"
    end
  end
  publish()
end

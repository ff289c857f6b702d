-- Shared by the wrk scripts in this folder: a tiny per-thread cookie jar, the
-- CSRF token scraped from the last page, and the flow counters. Every script
-- is meant to run with one connection per wrk thread (-t N -c N), so that the
-- requests and responses of a thread strictly alternate and the per-thread
-- state below is one client's.
--
-- wrk keeps only the last Set-Cookie header of a response; both servers set
-- the session cookie last on login, and a CSRF cookie that stays old stays
-- consistent with the tokens scraped from later pages, so nothing is lost (a
-- lost session cookie would show as login failures).

jar = {}
token = nil
cycles = 0        -- complete flows
fail_login = 0    -- a login POST that did not answer 302 to /home/, or a page after it that did not greet demo
fail_logout = 0   -- a logout POST that did not answer 302, or after which the old session cookie was still logged in
fail_page = 0     -- any other unexpected answer (status or body)

function cookie_header(extra)
  local parts = {}
  for k, v in pairs(jar) do
    if not (extra and extra[k]) then parts[#parts + 1] = k .. "=" .. v end
  end
  if extra then
    for k, v in pairs(extra) do parts[#parts + 1] = k .. "=" .. v end
  end
  return table.concat(parts, "; ")
end

function remember(headers)
  local sc = headers["Set-Cookie"] or headers["set-cookie"]
  if not sc then return end
  local name, value = sc:match("^%s*([^=;]+)=([^;]*)")
  if not name then return end
  local lower = sc:lower()
  if value == "" or lower:find("max%-age=0", 1) or lower:find("max%-age=%-") then
    jar[name] = nil
  else
    jar[name] = value
  end
end

function scrape(body)
  local t = body:match('name="csrfmiddlewaretoken"%s+value="([^"]+)"')
  if t then token = t end
  return t
end

function get(path, extra_cookies)
  return wrk.format("GET", path, { ["Cookie"] = cookie_header(extra_cookies) })
end

function post(path, body)
  return wrk.format("POST", path, {
    ["Cookie"] = cookie_header(),
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

function greets_demo(body)
  return body:find("Hello, demo", 1, true) ~= nil
end

function is_home(body)
  return body:find("Welcome to the homepage!", 1, true) ~= nil
end

function location(headers)
  return headers["Location"] or headers["location"] or ""
end

-- publish makes this thread's counters readable by done().
function publish()
  wrk.thread:set("cycles", cycles)
  wrk.thread:set("fail_login", fail_login)
  wrk.thread:set("fail_logout", fail_logout)
  wrk.thread:set("fail_page", fail_page)
end

threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local c, fl, fo, fp = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + (t:get("cycles") or 0)
    fl = fl + (t:get("fail_login") or 0)
    fo = fo + (t:get("fail_logout") or 0)
    fp = fp + (t:get("fail_page") or 0)
  end
  io.write(string.format("flow cycles: %d, flow failures: %d (login %d, logout %d, page %d)\n",
    c, fl + fo + fp, fl, fo, fp))
  io.write(string.format("p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end

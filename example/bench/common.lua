-- Shared by the wrk scripts in this folder: a tiny per-thread cookie jar and
-- the CSRF token scraped from the last page. Every script is meant to run with
-- one connection per wrk thread (-t N -c N), so that requests and responses of
-- a thread strictly alternate and the per-thread state below is the client's.
--
-- wrk keeps only the last Set-Cookie header of a response; both servers set
-- the session cookie last on login, and a CSRF cookie that stays old stays
-- consistent with the tokens scraped from later pages, so nothing is lost.

jar = {}
token = nil
failures = 0
cycles = 0

function cookie_header()
  local parts = {}
  for k, v in pairs(jar) do parts[#parts + 1] = k .. "=" .. v end
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
end

function get(path)
  return wrk.format("GET", path, { ["Cookie"] = cookie_header() })
end

function post(path, body)
  return wrk.format("POST", path, {
    ["Cookie"] = cookie_header(),
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

function report(threads_)
  local f, c = 0, 0
  for _, t in ipairs(threads_) do
    f = f + (t:get("failures") or 0)
    c = c + (t:get("cycles") or 0)
  end
  io.write(string.format("flow cycles: %d, flow failures: %d\n", c, f))
end

threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  report(threads)
  io.write(string.format("p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end

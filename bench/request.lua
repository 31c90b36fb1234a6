-- One request shape for wrk, read from the environment so that credentials stay out of argv.
--   BENCH_METHOD (default GET), BENCH_BODY (JSON), BENCH_AUTHORIZATION, BENCH_COOKIE
local function header(name, var)
  local value = os.getenv(var)
  if value and value ~= "" then wrk.headers[name] = value end
end

wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
header("Authorization", "BENCH_AUTHORIZATION")
header("Cookie", "BENCH_COOKIE")

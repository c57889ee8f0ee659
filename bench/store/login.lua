-- wrk script: POST /v1/login with a user's password (JSON), as scripts and the login page do.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"bench","password":"' .. os.getenv("BENCH_PASSWORD") .. '"}'

local failures = 0
response = function(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
    if failures <= 3 then io.stderr:write("status " .. status .. ": " .. body .. "\n") end
  end
end

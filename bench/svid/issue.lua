-- wrk script: POST /v1/workload-identity/jwt-svids as a bot, as an agent does for a workload.
-- The bot credential comes from the environment (BOT_CREDENTIAL).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BOT_CREDENTIAL")
wrk.body = '{"audiences":["bench"],"workload":{"unix":{"uid":1000,"gid":1000,"pid":1,"exe":"/usr/bin/bench"}}}'

local failures = 0
response = function(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
    if failures <= 3 then io.stderr:write("status " .. status .. ": " .. body .. "\n") end
  end
end

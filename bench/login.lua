-- wrk script for bench/identity.sh: each wrk thread (one connection each, -tN -cN) signs in
-- again and again as its own account bench-<n>@example.com, n = 1..N. PASSWORD comes from the
-- environment. Counts the 200s, the 503s (OVERLOADED: the hashing queue's deadline passed) and
-- any other answer, by status.
local password = os.getenv("PASSWORD")
local threads = {}
local counter = 0

function setup(thread)
    counter = counter + 1
    thread:set("account", counter)
    table.insert(threads, thread)
end

function init(args)
    local body = string.format('{"email":"bench-%d@example.com","password":"%s"}', account, password)
    request_bytes = wrk.format("POST", "/api/auth/login",
                               { ["Content-Type"] = "application/json" }, body)
    ok = 0
    overloaded = 0
    other = 0
    other_statuses = ""
end

function request()
    return request_bytes
end

function response(status, headers, body)
    if status == 200 then
        ok = ok + 1
    elseif status == 503 then
        overloaded = overloaded + 1
    else
        other = other + 1
        other_statuses = other_statuses .. " " .. status
    end
end

function done(summary, latency, requests)
    local total_ok, total_overloaded, total_other, statuses = 0, 0, 0, ""
    for _, t in ipairs(threads) do
        total_ok = total_ok + t:get("ok")
        total_overloaded = total_overloaded + t:get("overloaded")
        total_other = total_other + t:get("other")
        statuses = statuses .. t:get("other_statuses")
    end
    io.write(string.format("logins ok %d overloaded %d other %d statuses%s\n", total_ok,
                           total_overloaded, total_other, statuses))
end

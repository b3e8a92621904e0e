-- wrk script for benchmarks/load_wrk.py: each wrk thread cycles through the public paths given
-- after `--` (the threads starting at different ones), asking as a browser does (gzip accepted),
-- and the run ends with one machine-readable line of figures that load_wrk.py reads. By hand:
--
--   wrk --threads 2 --connections 64 --duration 60s --latency -s benchmarks/public_site.lua \
--       http://127.0.0.1:8080 -- /kk/ /ru/ /en/ /ru/recruiters-promises/
--
-- Each thread runs its own copy of this script; done() adds up what every thread counted.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function init(args)
   if #args == 0 then
      error("give the paths to request after `--`, e.g. -- /kk/ /ru/")
   end
   requests = {}
   for index, path in ipairs(args) do
      requests[index] = wrk.format("GET", path, {
         ["Accept"] = "text/html,application/xhtml+xml",
         ["Accept-Encoding"] = "gzip",
         ["User-Agent"] = "outreach-load-wrk",
      })
   end
   -- Threads start at different paths, so the mix is even from the first second.
   position = (id or 0) % #requests
   statuses = {}
end

function request()
   position = position % #requests + 1
   return requests[position]
end

function response(status, headers, body)
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests_summary)
   local counts = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
         counts[status] = (counts[status] or 0) + count
      end
   end
   local parts = {}
   for status, count in pairs(counts) do
      table.insert(parts, string.format("%s=%d", status, count))
   end
   table.sort(parts)
   local errors = summary.errors
   io.write(string.format(
      "FIGURES requests=%d seconds=%.3f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
      "connect=%d read=%d write=%d timeout=%d status=%d statuses=%s\n",
      summary.requests, summary.duration / 1e6,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      errors.connect, errors.read, errors.write, errors.timeout, errors.status,
      table.concat(parts, ",")
   ))
end

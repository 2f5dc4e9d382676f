-- A mix of search result pages; prints requests/s and p50/p95/p99 after the run.
local paths = {
  "/stellen",
  "/stellen?q=Erzieher",
  "/stellen?art=apprenticeship&kommune=naunhof",
  "/stellen?q=Verwaltung&sortierung=frist",
  "/stellen?bereich=kita_erziehung&umkreis=10&ort=naunhof",
  "/stellen?q=Bauhof&seite=2",
  "/ausbildung",
  "/stellen?umfang=part_time&vertrag=permanent",
}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("requests/s %.0f\n", summary.requests / (summary.duration / 1e6)))
  for _, p in ipairs({ 50, 95, 99 }) do
    io.write(string.format("p%d %.2f ms\n", p, latency:percentile(p) / 1000))
  end
  local e = summary.errors
  io.write(string.format("errors: connect %d, read %d, write %d, timeout %d, non-2xx %d\n", e.connect, e.read, e.write, e.timeout, e.status))
end

-- wrk script: each request asks for the next of the request paths listed,
-- one a line, in the file named after "--" (bench/directory.sh writes it
-- with bench_search). Each thread starts at a different place.
--   wrk -s bench/search_paths.lua http://HOST:PORT -- PATHS
local paths = {}
local count = 0
local at = 0

function init(args)
  for line in io.lines(args[1]) do
    count = count + 1
    paths[count] = line
  end
  at = math.random(count)
end

function request()
  at = at % count + 1
  return wrk.format("GET", paths[at])
end

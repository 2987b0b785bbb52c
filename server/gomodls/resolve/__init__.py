"""Module resolution: fetching go.mod files (module cache, proxies, disk cache) and the module
graph and build list the go command would compute (modload's buildlist and list)."""

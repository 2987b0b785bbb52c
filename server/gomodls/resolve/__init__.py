"""Module resolution: the Go environment, fetching go.mod files (module cache, proxies, disk cache), and the module graph the go command would build."""

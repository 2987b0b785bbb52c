// Deprecated: use log/slog instead.
module example.com/logfmt

go 1.21

module example.com/logfmt

go 1.20

require example.com/strutil v1.1.0

module example.com/demo

go 1.22

require (
	example.com/greeter v1.2.0
	example.com/logfmt v0.3.0
)

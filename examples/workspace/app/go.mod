// The app module of the example workspace; `gomodls check examples/` reports the
// problems left in it on purpose.
module example.com/demo/app

go 1.23.0

require (
	example.com/demo/greeter v0.1.0
	golang.org/x/text v0.14
	github.com/google/go-cmp v2.0.0 // indirect
)

replace example.com/demo/greeter => ../greeter

retract [v0.3.0, v0.2.0

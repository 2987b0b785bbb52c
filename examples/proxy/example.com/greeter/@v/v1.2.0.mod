module example.com/greeter

go 1.21

require example.com/strutil v1.0.0

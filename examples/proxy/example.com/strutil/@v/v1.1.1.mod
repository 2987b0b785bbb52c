module example.com/strutil

go 1.21

// leaks memory on long inputs
retract v1.1.0

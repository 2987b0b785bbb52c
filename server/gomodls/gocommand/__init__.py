"""The user's go command: finding it (`toolchain`), running it safely (`gorun`), on a private
copy of the module (`sandbox`), for the actions that write files (`gowrite`), and what
`go work use` does, emulated (`workuse`) — the split x/tools makes with internal/gocommand."""

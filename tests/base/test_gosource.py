"""The imports of a module's own .go files, against what `go list` says the packages import."""

from __future__ import annotations

from pathlib import Path

from gomodls.base.gosource import module_imports, read_imports
from oracle import Oracle, oracle_fixture  # noqa: F401  (registers the `oracle` fixture)

FILES = {
    "go.mod": "module example.com/m\n\ngo 1.21\n",
    "a.go": '// Package m.\npackage m\n\nimport "fmt"\nimport (\n\tstr "strings"\n\t. "math"\n\t_ "embed"\n\n\t// a comment\n\t"example.com/m/sub" /* another */\n)\n\nvar _ = fmt.Sprint\nvar _ = str.Fields\nvar _ = Pi\n',
    "b.go": '/* block */ package m; import (`net/http`; "net/url"); var _ = http.Get; var _ = url.Parse\n',
    "a_test.go": 'package m\n\nimport "testing"\n\nfunc TestX(t *testing.T) {}\n',
    "x_test.go": 'package m_test\n\nimport (\n\t"example.com/m"\n\t"bytes"\n)\n\nvar _ = m.X\nvar _ = bytes.NewReader\n',
    "c.go": "package m\n\nconst X = 1\n",
    "sub/sub.go": 'package sub\n\nimport "encoding/json"\n\nvar _ = json.Marshal\n',
    "sub/\u00e9.go": 'package sub\n\nimport "\\x65rrors"\n\nvar _ = errors.New\n',
}
# What the go command does not read: a nested module, testdata, vendor, hidden and _ directories,
# and a file excluded by `//go:build ignore`.
NOT_READ = {
    "nested/go.mod": "module example.com/nested\n",
    "nested/n.go": 'package nested\n\nimport "crypto/sha1"\n',
    "testdata/t.go": 'package t\n\nimport "crypto/md5"\n',
    "vendor/v/v.go": 'package v\n\nimport "crypto/des"\n',
    ".hidden/h.go": 'package h\n\nimport "crypto/rc4"\n',
    "_under/u.go": 'package u\n\nimport "crypto/dsa"\n',
    "gen.go": '//go:build ignore\n\npackage main\n\nimport "crypto/elliptic"\n',
}


def test_module_imports_match_go_list(tmp_path: Path, oracle: Oracle) -> None:
    files = FILES | NOT_READ
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    template = "{{range .Imports}}{{.}}\n{{end}}{{range .TestImports}}{{.}}\n{{end}}{{range .XTestImports}}{{.}}\n{{end}}"
    r = oracle.run(["list", "-e", "-f", template, "./..."], files)
    assert r.rc == 0, r.stderr
    want = {line for line in r.stdout.decode().splitlines() if line}
    assert want and "crypto/sha1" not in want
    assert module_imports(str(tmp_path)) == want


def test_read_imports_edge_cases() -> None:
    # tidy reads files of every build tag, only "ignore" leaves a file out.
    assert read_imports('//go:build windows\n\npackage m\n\nimport "syscall"\n') == ["syscall"]
    assert read_imports('// +build ignore\n\npackage main\n\nimport "x"\n') is None
    assert read_imports("not go at all") is None
    assert read_imports("package") is None
    assert read_imports('package m\nimport (\n\t"a"\n') == ["a"]  # (unterminated: what was read)
    assert read_imports('package m\nimport "a\n') == []
    assert read_imports('package m\n\nfunc f() {}\nimport "late"\n') == []

// Command goref exposes golang.org/x/mod (semver, module, dirhash), path.Match,
// strconv quoting, unicode tables and cmd/go/internal/gover over a line protocol,
// so that the Python ports in gomodls.module can be tested against the real thing.
//
// It is built at test time by tests/module/goref.py from the sources of the Go
// toolchain installed in the venv; nothing from Go is committed.
//
// Protocol: each input line is a JSON array of strings: the operation name and
// its arguments, each argument base64-encoded (so that arbitrary bytes,
// including invalid UTF-8, survive). Each output line is a JSON object
// {"out": [base64...], "err": base64 or null, "panic": string or null}.
package main

import (
	"archive/zip"
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"goref/gover"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/sumdb/dirhash"
)

type response struct {
	Out   []string `json:"out"`
	Err   *string  `json:"err"`
	Panic *string  `json:"panic"`
}

func b(x bool) string { return strconv.FormatBool(x) }

func pairs(args []string) []module.Version {
	var list []module.Version
	for i := 0; i+1 < len(args); i += 2 {
		list = append(list, module.Version{Path: args[i], Version: args[i+1]})
	}
	return list
}

func unpairs(list []module.Version) []string {
	var out []string
	for _, m := range list {
		out = append(out, m.Path, m.Version)
	}
	return out
}

// ranges renders the code points satisfying f as "lo-hi" hex ranges.
func ranges(f func(rune) bool) string {
	var parts []string
	start := rune(-1)
	for r := rune(0); r <= unicode.MaxRune+1; r++ {
		in := r <= unicode.MaxRune && f(r)
		if in && start < 0 {
			start = r
		} else if !in && start >= 0 {
			parts = append(parts, fmt.Sprintf("%x-%x", start, r-1))
			start = -1
		}
	}
	return strings.Join(parts, ",")
}

func dispatch(op string, a []string) ([]string, error) {
	switch op {
	// golang.org/x/mod/semver
	case "semver.IsValid":
		return []string{b(semver.IsValid(a[0]))}, nil
	case "semver.Canonical":
		return []string{semver.Canonical(a[0])}, nil
	case "semver.Major":
		return []string{semver.Major(a[0])}, nil
	case "semver.MajorMinor":
		return []string{semver.MajorMinor(a[0])}, nil
	case "semver.Prerelease":
		return []string{semver.Prerelease(a[0])}, nil
	case "semver.Build":
		return []string{semver.Build(a[0])}, nil
	case "semver.Compare":
		return []string{strconv.Itoa(semver.Compare(a[0], a[1]))}, nil
	case "semver.Max":
		return []string{semver.Max(a[0], a[1])}, nil
	case "semver.Sort":
		list := append([]string(nil), a...)
		semver.Sort(list)
		return list, nil

	// golang.org/x/mod/module
	case "module.Check":
		return nil, module.Check(a[0], a[1])
	case "module.CheckPath":
		return nil, module.CheckPath(a[0])
	case "module.CheckImportPath":
		return nil, module.CheckImportPath(a[0])
	case "module.CheckFilePath":
		return nil, module.CheckFilePath(a[0])
	case "module.SplitPathVersion":
		prefix, pathMajor, ok := module.SplitPathVersion(a[0])
		return []string{prefix, pathMajor, b(ok)}, nil
	case "module.MatchPathMajor":
		return []string{b(module.MatchPathMajor(a[0], a[1]))}, nil
	case "module.CheckPathMajor":
		return nil, module.CheckPathMajor(a[0], a[1])
	case "module.PathMajorPrefix":
		return []string{module.PathMajorPrefix(a[0])}, nil
	case "module.CanonicalVersion":
		return []string{module.CanonicalVersion(a[0])}, nil
	case "module.EscapePath":
		s, err := module.EscapePath(a[0])
		return []string{s}, err
	case "module.EscapeVersion":
		s, err := module.EscapeVersion(a[0])
		return []string{s}, err
	case "module.UnescapePath":
		s, err := module.UnescapePath(a[0])
		return []string{s}, err
	case "module.UnescapeVersion":
		s, err := module.UnescapeVersion(a[0])
		return []string{s}, err
	case "module.MatchPrefixPatterns":
		return []string{b(module.MatchPrefixPatterns(a[0], a[1]))}, nil
	case "module.Sort":
		list := pairs(a)
		module.Sort(list)
		return unpairs(list), nil
	case "module.VersionString":
		return []string{module.Version{Path: a[0], Version: a[1]}.String()}, nil
	case "module.IsPseudoVersion":
		return []string{b(module.IsPseudoVersion(a[0]))}, nil
	case "module.IsZeroPseudoVersion":
		return []string{b(module.IsZeroPseudoVersion(a[0]))}, nil
	case "module.ZeroPseudoVersion":
		return []string{module.ZeroPseudoVersion(a[0])}, nil
	case "module.PseudoVersionTime":
		t, err := module.PseudoVersionTime(a[0])
		if err != nil {
			return nil, err
		}
		return []string{t.Format("2006-01-02T15:04:05Z07:00")}, nil
	case "module.PseudoVersionBase":
		s, err := module.PseudoVersionBase(a[0])
		return []string{s}, err
	case "module.PseudoVersionRev":
		s, err := module.PseudoVersionRev(a[0])
		return []string{s}, err
	case "module.PseudoVersion":
		sec, err := strconv.ParseInt(a[2], 10, 64)
		if err != nil {
			return nil, err
		}
		return []string{module.PseudoVersion(a[0], a[1], time.Unix(sec, 0), a[3])}, nil

	// path
	case "path.Match":
		ok, err := path.Match(a[0], a[1])
		return []string{b(ok)}, err

	// golang.org/x/mod/sumdb/dirhash
	case "dirhash.Hash1":
		var names []string
		content := map[string]string{}
		for i := 0; i+1 < len(a); i += 2 {
			names = append(names, a[i])
			content[a[i]] = a[i+1]
		}
		h, err := dirhash.Hash1(names, func(name string) (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader(content[name])), nil
		})
		return []string{h}, err
	case "dirhash.HashZip":
		h, err := dirhash.HashZip(a[0], dirhash.Hash1)
		return []string{h}, err
	case "dirhash.HashDir":
		h, err := dirhash.HashDir(a[0], a[1], dirhash.Hash1)
		return []string{h}, err
	case "dirhash.DirFiles":
		return dirhash.DirFiles(a[0], a[1])
	case "zip.Names":
		// The raw names in a zip file, to check how Python decodes them.
		z, err := zip.OpenReader(a[0])
		if err != nil {
			return nil, err
		}
		defer z.Close()
		var names []string
		for _, f := range z.File {
			names = append(names, f.Name)
		}
		return names, nil

	// cmd/go/internal/gover
	case "gover.Compare":
		return []string{strconv.Itoa(gover.Compare(a[0], a[1]))}, nil
	case "gover.Max":
		return []string{gover.Max(a[0], a[1])}, nil
	case "gover.IsLang":
		return []string{b(gover.IsLang(a[0]))}, nil
	case "gover.Lang":
		return []string{gover.Lang(a[0])}, nil
	case "gover.IsPrerelease":
		return []string{b(gover.IsPrerelease(a[0]))}, nil
	case "gover.Prev":
		return []string{gover.Prev(a[0])}, nil
	case "gover.IsValid":
		return []string{b(gover.IsValid(a[0]))}, nil
	case "gover.FromToolchain":
		return []string{gover.FromToolchain(a[0])}, nil
	case "gover.IsToolchain":
		return []string{b(gover.IsToolchain(a[0]))}, nil
	case "gover.ModCompare":
		return []string{strconv.Itoa(gover.ModCompare(a[0], a[1], a[2]))}, nil
	case "gover.ModIsValid":
		return []string{b(gover.ModIsValid(a[0], a[1]))}, nil
	case "gover.ModIsPrefix":
		return []string{b(gover.ModIsPrefix(a[0], a[1]))}, nil
	case "gover.ModIsPrerelease":
		return []string{b(gover.ModIsPrerelease(a[0], a[1]))}, nil
	case "gover.ModMajorMinor":
		return []string{gover.ModMajorMinor(a[0], a[1])}, nil
	case "gover.ModSort":
		list := pairs(a)
		gover.ModSort(list)
		return unpairs(list), nil
	case "gover.GoModLookup":
		return []string{gover.GoModLookup([]byte(a[0]), a[1])}, nil

	// strconv and unicode, for the quoting helpers
	case "strconv.Quote":
		return []string{strconv.Quote(a[0])}, nil
	case "fmt.QuoteRune":
		r, _ := utf8.DecodeRuneInString(a[0])
		return []string{fmt.Sprintf("%q", r)}, nil
	case "unicode.Version":
		return []string{unicode.Version}, nil
	case "unicode.Tables":
		return []string{ranges(unicode.IsLetter), ranges(strconv.IsPrint)}, nil
	}
	return nil, errors.New("goref: unknown operation " + op)
}

func call(op string, args []string) (resp response) {
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprint(r)
			resp = response{Out: []string{}, Panic: &msg}
		}
	}()
	out, err := dispatch(op, args)
	resp.Out = make([]string, len(out))
	for i, s := range out {
		resp.Out[i] = base64.StdEncoding.EncodeToString([]byte(s))
	}
	if err != nil {
		e := base64.StdEncoding.EncodeToString([]byte(err.Error()))
		resp.Err = &e
	}
	return resp
}

func main() {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := json.NewEncoder(out)
	for {
		line, err := in.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			break
		}
		var raw []string
		if err := json.Unmarshal(line, &raw); err != nil || len(raw) == 0 {
			fmt.Fprintf(os.Stderr, "goref: bad request %q: %v\n", line, err)
			os.Exit(2)
		}
		args := make([]string, len(raw)-1)
		for i, s := range raw[1:] {
			d, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				fmt.Fprintf(os.Stderr, "goref: bad argument %q: %v\n", s, err)
				os.Exit(2)
			}
			args[i] = string(d)
		}
		if err := enc.Encode(call(raw[0], args)); err != nil {
			fmt.Fprintln(os.Stderr, "goref:", err)
			os.Exit(2)
		}
		// Flush only when no further request is already buffered, so that
		// batches are answered with few writes.
		if in.Buffered() == 0 {
			if err := out.Flush(); err != nil {
				os.Exit(2)
			}
		}
	}
	out.Flush()
}

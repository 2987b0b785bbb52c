// Command harness is a Go checksum database for tests, built from the x/mod sumdb code the go
// command itself vendors (sumdb.NewServer over sumdb.NewTestServer, tlog, note): what it serves
// is exactly what sum.golang.org would serve for the same records.
//
//	harness genkey NAME           prints the signer key and the verifier key, one per line
//	harness serve CONFIG.json     serves the database on 127.0.0.1 until stdin is closed;
//	                              prints "listening http://127.0.0.1:PORT" first
//
// CONFIG: {"skey": signer key, "proxy": GOPROXY directory, "records": [{"path", "version",
// "lines"}]}. Records enter the tree in the order given (so two configs sharing a key but not a
// prefix of records are a fork). A record without "lines" gets the real go.sum lines, hashed
// with dirhash from the proxy directory's .mod and .zip files; given "lines" (a tampered record)
// are signed as they are.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/dirhash"
	"golang.org/x/mod/sumdb/note"
)

type Record struct {
	Path    string  `json:"path"`
	Version string  `json:"version"`
	Lines   *string `json:"lines"`
}

type Config struct {
	Skey    string   `json:"skey"`
	Proxy   string   `json:"proxy"`
	Records []Record `json:"records"`
}

func main() {
	if len(os.Args) != 3 {
		fail(fmt.Errorf("usage: harness genkey NAME | harness serve CONFIG.json"))
	}
	switch os.Args[1] {
	case "genkey":
		skey, vkey, err := note.GenerateKey(rand.Reader, os.Args[2])
		if err != nil {
			fail(err)
		}
		fmt.Println(skey)
		fmt.Println(vkey)
	case "serve":
		serve(os.Args[2])
	default:
		fail(fmt.Errorf("unknown command %q", os.Args[1]))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "harness:", err)
	os.Exit(2)
}

// goSumLines computes the real go.sum lines of path@version from a GOPROXY directory.
func goSumLines(proxy, path, version string) (string, error) {
	escPath, err := module.EscapePath(path)
	if err != nil {
		return "", err
	}
	escVers, err := module.EscapeVersion(version)
	if err != nil {
		return "", err
	}
	base := filepath.Join(proxy, escPath, "@v", escVers)
	lines := ""
	if _, err := os.Stat(base + ".zip"); err == nil {
		h, err := dirhash.HashZip(base+".zip", dirhash.Hash1)
		if err != nil {
			return "", err
		}
		lines += fmt.Sprintf("%s %s %s\n", path, version, h)
	}
	mod, err := os.ReadFile(base + ".mod")
	if err != nil {
		return "", err
	}
	h, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(mod)), nil
	})
	if err != nil {
		return "", err
	}
	lines += fmt.Sprintf("%s %s/go.mod %s\n", path, version, h)
	return lines, nil
}

func serve(configFile string) {
	data, err := os.ReadFile(configFile)
	if err != nil {
		fail(err)
	}
	var cfg Config
	if err := json.Unmarshal(data, &cfg); err != nil {
		fail(err)
	}
	lines := map[string]string{}
	for _, r := range cfg.Records {
		key := r.Path + "@" + r.Version
		if r.Lines != nil {
			lines[key] = *r.Lines
			continue
		}
		l, err := goSumLines(cfg.Proxy, r.Path, r.Version)
		if err != nil {
			fail(fmt.Errorf("%s: %v", key, err))
		}
		lines[key] = l
	}
	ts := sumdb.NewTestServer(cfg.Skey, func(path, vers string) ([]byte, error) {
		l, ok := lines[path+"@"+vers]
		if !ok {
			return nil, os.ErrNotExist // the server answers 404
		}
		return []byte(l), nil
	})
	// Fill the tree in the configured order, so that its history does not depend on the order
	// of the lookups.
	for _, r := range cfg.Records {
		if _, err := ts.Lookup(context.Background(), module.Version{Path: r.Path, Version: r.Version}); err != nil {
			fail(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	fmt.Printf("listening http://%s\n", ln.Addr())
	os.Stdout.Sync()
	go func() {
		// The test closes stdin (or dies): stop.
		bufio.NewReader(os.Stdin).ReadString(0)
		os.Exit(0)
	}()
	srv := sumdb.NewServer(ts)
	mux := http.NewServeMux()
	for _, p := range sumdb.ServerPaths {
		mux.Handle(p, srv)
	}
	fail(http.Serve(ln, mux))
}

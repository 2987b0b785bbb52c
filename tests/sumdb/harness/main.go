// Command harness runs golang.org/x/mod/sumdb (note, tlog, the client and the test server: the
// copies vendored in the Go toolchain) on JSON requests from stdin and prints what x/mod computed,
// so tests can hold gomodls.sumdb to the real code. Input: a JSON array of requests; output: a
// JSON array with one result per request. Byte strings are base64 in both directions.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type Req struct {
	Op string `json:"op"`

	// index
	Max     int64 `json:"max"`
	Heights []int `json:"heights"`

	// log, tile_reader
	Records []string   `json:"records"`
	H       int        `json:"h"`
	Pairs   [][2]int64 `json:"pairs"`
	Indexes []int64    `json:"indexes"`
	Tamper  string     `json:"tamper"` // tile path whose data gets a flipped byte
	TreeN   int64      `json:"tree_n"`

	// tile_paths
	Paths []string `json:"paths"`
	Tiles [][4]int `json:"tiles"`

	// notes
	Skey   string   `json:"skey"`
	Skeys  []string `json:"skeys"`
	Vkey   string   `json:"vkey"`
	Vkeys  []string `json:"vkeys"`
	Text   string   `json:"text"`
	Msg    []byte   `json:"msg"`
	Name   string   `json:"name"`
	Seed   []byte   `json:"seed"`
	Inputs [][]byte `json:"inputs"`

	// db
	Gosum   map[string]string `json:"gosum"` // "path@vers" -> record text
	Actions []string          `json:"actions"`

	// client
	Config    map[string][]byte `json:"config"`
	Remote    map[string][]byte `json:"remote"`
	Cache     map[string][]byte `json:"cache"`
	Lookups   [][2]string       `json:"lookups"`
	Gonosumdb string            `json:"gonosumdb"`
}

func main() {
	var reqs []Req
	if err := json.NewDecoder(os.Stdin).Decode(&reqs); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := make([]any, len(reqs))
	for i, r := range reqs {
		out[i] = run(r)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

type hashes []tlog.Hash

func (h hashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	var list []tlog.Hash
	for _, id := range indexes {
		if id < 0 || id >= int64(len(h)) {
			return nil, fmt.Errorf("no hash %d", id)
		}
		list = append(list, h[id])
	}
	return list, nil
}

func buildLog(records []string) hashes {
	var hs hashes
	for i, rec := range records {
		add, err := tlog.StoredHashes(int64(i), []byte(rec), hs)
		if err != nil {
			panic(err)
		}
		hs = append(hs, add...)
	}
	return hs
}

func b64list(hs []tlog.Hash) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, h.String())
	}
	return out
}

func run(r Req) any {
	switch r.Op {
	case "index":
		split := [][2]int64{}
		count := []int64{}
		tiles := map[int][]string{}
		for i := int64(0); i < r.Max; i++ {
			l, n := tlog.SplitStoredHashIndex(i)
			split = append(split, [2]int64{int64(l), n})
			count = append(count, tlog.StoredHashCount(i))
			for _, h := range r.Heights {
				tiles[h] = append(tiles[h], tlog.TileForIndex(h, i).Path())
			}
		}
		return map[string]any{"split": split, "count": count, "tiles": tiles}

	case "log":
		hs := buildLog(r.Records)
		n := int64(len(r.Records))
		trees := []string{}
		for t := int64(0); t <= n; t++ {
			th, err := tlog.TreeHash(t, hs)
			if err != nil {
				panic(err)
			}
			trees = append(trees, th.String())
		}
		recordProofs := map[string][]string{}
		treeProofs := map[string][]string{}
		for t := int64(1); t <= n; t++ {
			for m := int64(0); m < t; m++ {
				p, err := tlog.ProveRecord(t, m, hs)
				if err != nil {
					panic(err)
				}
				recordProofs[fmt.Sprintf("%d,%d", t, m)] = b64list(p)
			}
			for m := int64(1); m <= t; m++ {
				p, err := tlog.ProveTree(t, m, hs)
				if err != nil {
					panic(err)
				}
				treeProofs[fmt.Sprintf("%d,%d", t, m)] = b64list(p)
			}
		}
		newTiles := [][]string{}
		for _, p := range r.Pairs {
			paths := []string{}
			for _, t := range tlog.NewTiles(r.H, p[0], p[1]) {
				paths = append(paths, t.Path())
			}
			newTiles = append(newTiles, paths)
		}
		tileData := map[string][]byte{}
		for _, t := range tlog.NewTiles(r.H, 0, n) {
			data, err := tlog.ReadTileData(t, hs)
			if err != nil {
				panic(err)
			}
			tileData[t.Path()] = data
		}
		return map[string]any{
			"hashes": b64list(hs), "trees": trees, "record_proofs": recordProofs,
			"tree_proofs": treeProofs, "new_tiles": newTiles, "tile_data": tileData,
		}

	case "tile_paths":
		parsed := []map[string]any{}
		for _, p := range r.Paths {
			t, err := tlog.ParseTilePath(p)
			if err != nil {
				parsed = append(parsed, map[string]any{"err": err.Error()})
			} else {
				parsed = append(parsed, map[string]any{"tile": [4]int64{int64(t.H), int64(t.L), t.N, int64(t.W)}})
			}
		}
		paths := []string{}
		for _, t := range r.Tiles {
			paths = append(paths, tlog.Tile{H: t[0], L: t[1], N: int64(t[2]), W: t[3]}.Path())
		}
		return map[string]any{"parsed": parsed, "paths": paths}

	case "tile_reader":
		hs := buildLog(r.Records)
		treeN := r.TreeN
		th, err := tlog.TreeHash(treeN, hs)
		if err != nil {
			panic(err)
		}
		tr := &tileReader{h: r.H, hs: hs, tamper: r.Tamper}
		got, err := tlog.TileHashReader(tlog.Tree{N: treeN, Hash: th}, tr).ReadHashes(r.Indexes)
		return map[string]any{"tiles": tr.read, "saved": tr.saved, "hashes": b64list(got), "err": errString(err)}

	case "gen_key":
		skey, vkey, err := note.GenerateKey(bytes.NewReader(r.Seed), r.Name)
		return map[string]any{"skey": skey, "vkey": vkey, "err": errString(err)}

	case "verifier":
		v, err := note.NewVerifier(r.Vkey)
		if err != nil {
			return map[string]any{"err": err.Error()}
		}
		return map[string]any{"name": v.Name(), "hash": v.KeyHash()}

	case "signer":
		s, err := note.NewSigner(r.Skey)
		if err != nil {
			return map[string]any{"err": err.Error()}
		}
		return map[string]any{"name": s.Name(), "hash": s.KeyHash()}

	case "sign":
		var signers []note.Signer
		for _, k := range r.Skeys {
			s, err := note.NewSigner(k)
			if err != nil {
				return map[string]any{"err": err.Error()}
			}
			signers = append(signers, s)
		}
		var n *note.Note
		if r.Msg != nil {
			// Re-sign an opened note (keeping its signatures), as in x/mod's documentation.
			var err error
			n, err = note.Open(r.Msg, verifierList(r.Vkeys))
			if err != nil {
				var u *note.UnverifiedNoteError
				if !errors.As(err, &u) {
					return map[string]any{"err": err.Error()}
				}
				n = u.Note
			}
		} else {
			n = &note.Note{Text: r.Text}
		}
		msg, err := note.Sign(n, signers...)
		return map[string]any{"msg": msg, "err": errString(err)}

	case "open":
		n, err := note.Open(r.Msg, verifierList(r.Vkeys))
		var u *note.UnverifiedNoteError
		if errors.As(err, &u) {
			return map[string]any{"err": err.Error(), "unverified_text": u.Note.Text, "unverified": sigs(u.Note.UnverifiedSigs)}
		}
		if err != nil {
			return map[string]any{"err": err.Error()}
		}
		return map[string]any{"text": n.Text, "sigs": sigs(n.Sigs), "unverified": sigs(n.UnverifiedSigs)}

	case "parse_tree":
		out := []map[string]any{}
		for _, in := range r.Inputs {
			t, err := tlog.ParseTree(in)
			if err != nil {
				out = append(out, map[string]any{"err": err.Error()})
			} else {
				out = append(out, map[string]any{"n": t.N, "hash": t.Hash.String(), "format": tlog.FormatTree(t)})
			}
		}
		return out

	case "parse_record":
		out := []map[string]any{}
		for _, in := range r.Inputs {
			id, text, rest, err := tlog.ParseRecord(in)
			if err != nil {
				out = append(out, map[string]any{"err": err.Error()})
			} else {
				out = append(out, map[string]any{"id": id, "text": text, "rest": rest})
			}
		}
		return out

	case "db":
		srv := sumdb.NewServer(sumdb.NewTestServer(r.Skey, func(path, vers string) ([]byte, error) {
			text, ok := r.Gosum[path+"@"+vers]
			if !ok {
				return nil, os.ErrNotExist
			}
			return []byte(text), nil
		}))
		out := []map[string]any{}
		for _, a := range r.Actions {
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, httptest.NewRequest("GET", a, nil))
			out = append(out, map[string]any{"status": w.Code, "body": w.Body.Bytes()})
		}
		return out

	case "client":
		ops := &clientOps{config: r.Config, remote: r.Remote, cache: r.Cache}
		if ops.cache == nil {
			ops.cache = map[string][]byte{}
		}
		c := sumdb.NewClient(ops)
		if r.Gonosumdb != "" {
			c.SetGONOSUMDB(r.Gonosumdb)
		}
		results := []map[string]any{}
		for _, l := range r.Lookups {
			lines, err := c.Lookup(l[0], l[1])
			results = append(results, map[string]any{"lines": lines, "err": errString(err)})
		}
		sort.Strings(ops.reads)
		return map[string]any{
			"results": results, "security": ops.security, "logs": ops.logs,
			"config": ops.config, "cache": ops.cache, "reads": ops.reads,
		}
	}
	return map[string]any{"err": "unknown op " + r.Op}
}

func verifierList(vkeys []string) note.Verifiers {
	var vs []note.Verifier
	for _, k := range vkeys {
		v, err := note.NewVerifier(k)
		if err != nil {
			panic(err)
		}
		vs = append(vs, v)
	}
	return note.VerifierList(vs...)
}

func sigs(list []note.Signature) [][3]any {
	out := [][3]any{}
	for _, s := range list {
		out = append(out, [3]any{s.Name, s.Hash, s.Base64})
	}
	return out
}

// tileReader serves tiles computed from the stored hashes, recording what is read and saved.
type tileReader struct {
	h      int
	hs     hashes
	tamper string
	read   []string
	saved  []string
}

func (t *tileReader) Height() int { return t.h }

func (t *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	var out [][]byte
	for _, tile := range tiles {
		t.read = append(t.read, tile.Path())
		data, err := tlog.ReadTileData(tile, t.hs)
		if err != nil {
			return nil, err
		}
		if tile.Path() == t.tamper {
			data[len(data)-1] ^= 1
		}
		out = append(out, data)
	}
	return out, nil
}

func (t *tileReader) SaveTiles(tiles []tlog.Tile, data [][]byte) {
	for _, tile := range tiles {
		t.saved = append(t.saved, tile.Path())
	}
}

// clientOps is an in-memory sumdb.ClientOps: remote answers, config and cache files from the
// request; a missing remote path is an error with the same text the Python test ops use.
type clientOps struct {
	mu       sync.Mutex
	config   map[string][]byte
	remote   map[string][]byte
	cache    map[string][]byte
	reads    []string
	security []string
	logs     []string
}

func (o *clientOps) ReadRemote(path string) ([]byte, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.reads = append(o.reads, path)
	data, ok := o.remote[path]
	if !ok {
		return nil, fmt.Errorf("%s: 404 Not Found", strings.TrimPrefix(path, "/"))
	}
	return data, nil
}

func (o *clientOps) ReadConfig(file string) ([]byte, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.config[file], nil
}

func (o *clientOps) WriteConfig(file string, old, new []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !bytes.Equal(o.config[file], old) {
		return sumdb.ErrWriteConflict
	}
	o.config[file] = new
	return nil
}

func (o *clientOps) ReadCache(file string) ([]byte, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	data, ok := o.cache[file]
	if !ok {
		return nil, os.ErrNotExist
	}
	return data, nil
}

func (o *clientOps) WriteCache(file string, data []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.cache[file] = data
}

func (o *clientOps) Log(msg string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.logs = append(o.logs, msg)
}

func (o *clientOps) SecurityError(msg string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.security = append(o.security, msg)
}


// Command harness applies x/mod modfile edit calls to go.mod / go.work texts and prints the
// results, so tests can compare gomodls's edit API with the real x/mod code (the copy vendored
// in the Go toolchain). Input on stdin: a JSON array of cases; output: a JSON array of results.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

type Case struct {
	Kind   string            `json:"kind"`   // "mod" or "work"
	Text   string            `json:"text"`   // file content
	Ops    []json.RawMessage `json:"ops"`    // each ["Name", args...]
	Finish string            `json:"finish"` // "edit": SortBlocks+Cleanup (go mod edit), "none"
}

type Result struct {
	ParseError string   `json:"parse_error"`
	OpErrors   []string `json:"op_errors"`
	Format     string   `json:"format"`
	JSON       any      `json:"json"`
}

type req struct {
	Path     string
	Version  string
	Indirect bool
}

func main() {
	var cases []Case
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	results := make([]Result, len(cases))
	for i, c := range cases {
		results[i] = run(c)
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

func run(c Case) (res Result) {
	defer func() {
		if r := recover(); r != nil {
			res.OpErrors = append(res.OpErrors, fmt.Sprintf("panic: %v", r))
		}
	}()
	name := "go.mod"
	if c.Kind == "work" {
		name = "go.work"
	}
	if c.Kind == "work" {
		f, err := modfile.ParseWork(name, []byte(c.Text), nil)
		if err != nil {
			return Result{ParseError: err.Error()}
		}
		for _, raw := range c.Ops {
			res.OpErrors = append(res.OpErrors, errText(applyWork(f, raw)))
		}
		if c.Finish == "edit" {
			f.SortBlocks()
			f.Cleanup()
		}
		res.Format = string(modfile.Format(f.Syntax))
		res.JSON = workJSON(f)
		return res
	}
	f, err := modfile.Parse(name, []byte(c.Text), nil)
	if err != nil {
		return Result{ParseError: err.Error()}
	}
	for _, raw := range c.Ops {
		res.OpErrors = append(res.OpErrors, errText(applyMod(f, raw)))
	}
	if c.Finish == "edit" {
		f.SortBlocks()
		f.Cleanup()
	}
	res.Format = string(modfile.Format(f.Syntax))
	res.JSON = modJSON(f)
	return res
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func decodeOp(raw json.RawMessage) (string, []json.RawMessage) {
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) == 0 {
		panic(fmt.Sprintf("bad op %s", raw))
	}
	var name string
	must(json.Unmarshal(parts[0], &name))
	return name, parts[1:]
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func str(args []json.RawMessage, i int) string {
	var s string
	must(json.Unmarshal(args[i], &s))
	return s
}

func boolean(args []json.RawMessage, i int) bool {
	var b bool
	must(json.Unmarshal(args[i], &b))
	return b
}

func reqs(args []json.RawMessage) []*modfile.Require {
	var list [][]any
	must(json.Unmarshal(args[0], &list))
	var out []*modfile.Require
	for _, r := range list {
		out = append(out, &modfile.Require{
			Mod:      module.Version{Path: r[0].(string), Version: r[1].(string)},
			Indirect: r[2].(bool),
		})
	}
	return out
}

func applyMod(f *modfile.File, raw json.RawMessage) error {
	name, a := decodeOp(raw)
	switch name {
	case "AddModuleStmt":
		return f.AddModuleStmt(str(a, 0))
	case "AddGoStmt":
		return f.AddGoStmt(str(a, 0))
	case "DropGoStmt":
		f.DropGoStmt()
	case "AddToolchainStmt":
		return f.AddToolchainStmt(str(a, 0))
	case "DropToolchainStmt":
		f.DropToolchainStmt()
	case "AddGodebug":
		return f.AddGodebug(str(a, 0), str(a, 1))
	case "DropGodebug":
		return f.DropGodebug(str(a, 0))
	case "AddRequire":
		return f.AddRequire(str(a, 0), str(a, 1))
	case "AddNewRequire":
		f.AddNewRequire(str(a, 0), str(a, 1), boolean(a, 2))
	case "SetRequire":
		f.SetRequire(reqs(a))
	case "SetRequireSeparateIndirect":
		f.SetRequireSeparateIndirect(reqs(a))
	case "SetRequireAtMostTwo":
		f.SetRequireAtMostTwo(reqs(a))
	case "DropRequire":
		return f.DropRequire(str(a, 0))
	case "AddExclude":
		return f.AddExclude(str(a, 0), str(a, 1))
	case "DropExclude":
		return f.DropExclude(str(a, 0), str(a, 1))
	case "AddReplace":
		return f.AddReplace(str(a, 0), str(a, 1), str(a, 2), str(a, 3))
	case "DropReplace":
		return f.DropReplace(str(a, 0), str(a, 1))
	case "AddRetract":
		return f.AddRetract(modfile.VersionInterval{Low: str(a, 0), High: str(a, 1)}, str(a, 2))
	case "DropRetract":
		return f.DropRetract(modfile.VersionInterval{Low: str(a, 0), High: str(a, 1)})
	case "AddTool":
		return f.AddTool(str(a, 0))
	case "DropTool":
		return f.DropTool(str(a, 0))
	case "AddIgnore":
		return f.AddIgnore(str(a, 0))
	case "DropIgnore":
		return f.DropIgnore(str(a, 0))
	case "SortBlocks":
		f.SortBlocks()
	case "Cleanup":
		f.Cleanup()
	default:
		panic("unknown op " + name)
	}
	return nil
}

func applyWork(f *modfile.WorkFile, raw json.RawMessage) error {
	name, a := decodeOp(raw)
	switch name {
	case "AddGoStmt":
		return f.AddGoStmt(str(a, 0))
	case "DropGoStmt":
		f.DropGoStmt()
	case "AddToolchainStmt":
		return f.AddToolchainStmt(str(a, 0))
	case "DropToolchainStmt":
		f.DropToolchainStmt()
	case "AddGodebug":
		return f.AddGodebug(str(a, 0), str(a, 1))
	case "DropGodebug":
		return f.DropGodebug(str(a, 0))
	case "AddUse":
		return f.AddUse(str(a, 0), str(a, 1))
	case "AddNewUse":
		f.AddNewUse(str(a, 0), str(a, 1))
	case "SetUse":
		var list [][]string
		must(json.Unmarshal(a[0], &list))
		var uses []*modfile.Use
		for _, u := range list {
			uses = append(uses, &modfile.Use{Path: u[0], ModulePath: u[1]})
		}
		f.SetUse(uses)
	case "DropUse":
		return f.DropUse(str(a, 0))
	case "AddReplace":
		return f.AddReplace(str(a, 0), str(a, 1), str(a, 2), str(a, 3))
	case "DropReplace":
		return f.DropReplace(str(a, 0), str(a, 1))
	case "SortBlocks":
		f.SortBlocks()
	case "Cleanup":
		f.Cleanup()
	default:
		panic("unknown op " + name)
	}
	return nil
}

// modJSON and workJSON have the shape of `go mod edit -json` / `go work edit -json`, but list
// every entry (no omitempty), in model order.
func modJSON(f *modfile.File) any {
	out := map[string]any{}
	if f.Module != nil {
		out["Module"] = map[string]string{"Path": f.Module.Mod.Path, "Deprecated": f.Module.Deprecated}
	}
	if f.Go != nil {
		out["Go"] = f.Go.Version
	}
	if f.Toolchain != nil {
		out["Toolchain"] = f.Toolchain.Name
	}
	var gd, rq, ex, rp, rt, tl, ig []any
	for _, g := range f.Godebug {
		gd = append(gd, []string{g.Key, g.Value})
	}
	for _, r := range f.Require {
		rq = append(rq, []any{r.Mod.Path, r.Mod.Version, r.Indirect})
	}
	for _, x := range f.Exclude {
		ex = append(ex, []string{x.Mod.Path, x.Mod.Version})
	}
	for _, r := range f.Replace {
		rp = append(rp, []string{r.Old.Path, r.Old.Version, r.New.Path, r.New.Version})
	}
	for _, r := range f.Retract {
		rt = append(rt, []string{r.Low, r.High, r.Rationale})
	}
	for _, t := range f.Tool {
		tl = append(tl, t.Path)
	}
	for _, i := range f.Ignore {
		ig = append(ig, i.Path)
	}
	out["Godebug"], out["Require"], out["Exclude"], out["Replace"] = gd, rq, ex, rp
	out["Retract"], out["Tool"], out["Ignore"] = rt, tl, ig
	return out
}

func workJSON(f *modfile.WorkFile) any {
	out := map[string]any{}
	if f.Go != nil {
		out["Go"] = f.Go.Version
	}
	if f.Toolchain != nil {
		out["Toolchain"] = f.Toolchain.Name
	}
	var gd, us, rp []any
	for _, g := range f.Godebug {
		gd = append(gd, []string{g.Key, g.Value})
	}
	for _, u := range f.Use {
		us = append(us, []string{u.Path, u.ModulePath})
	}
	for _, r := range f.Replace {
		rp = append(rp, []string{r.Old.Path, r.Old.Version, r.New.Path, r.New.Version})
	}
	out["Godebug"], out["Use"], out["Replace"] = gd, us, rp
	return out
}

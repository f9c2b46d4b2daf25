package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// step is one step of the generator's flow. Steps are listed in the order
// data flows through them; a package may import packages of its own step
// and of the earlier steps named in reads, never of a later one.
type step struct {
	name string
	// reads are the earlier steps whose packages this step's packages may
	// import: the output it consumes and the facts it looks up.
	reads []string
	// packages are the generator/internal packages of the step, as paths
	// relative to generator/internal/.
	packages []string
}

// steps is the generator's flow as data:
//
//	load → plan (derive) → validate → model → render → write
//
// plan comes before validate because validate checks what plan derives
// (capacity, the subnet plan and its tiers, quotas, names, the composed
// templates) and derives nothing itself; model reads the derived
// environment (plan.Environment) and render reads models and derivations:
// neither imports validate, which only says yes or no. shared holds the types
// and pure libraries every step uses and that use no step.
var steps = []step{
	{name: "shared", packages: []string{"config", "diag", "diag/cueerr", "cidr", "schemainfo", "layout"}},
	{name: "load", reads: []string{"shared"}, packages: []string{"load", "tfvars", "envimport"}},
	{name: "plan", reads: []string{"shared", "load"}, packages: []string{"plan", "plan/capacity", "plan/quota", "plan/names", "plan/network", "plan/plantest"}},
	{name: "validate", reads: []string{"shared", "load", "plan"}, packages: []string{"validate"}},
	{name: "model", reads: []string{"shared", "plan"}, packages: []string{
		"model/coderd", "model/flux", "model/helm", "model/infra", "model/k8s", "model/templates",
	}},
	{name: "render", reads: []string{"shared", "plan", "model"}, packages: []string{
		"render/bootstrap", "render/coderd", "render/docs", "render/ec2meta", "render/flux", "render/helm", "render/infra",
		"render/k8s", "render/report", "render/s3bucket", "render/templates", "render/tfhcl", "render/tfjson", "render/yamldoc",
	}},
	{name: "write", reads: []string{"shared"}, packages: []string{"write", "semdiff"}},
}

const internalPrefix = "github.com/coder-eks/coder-eks/generator/internal/"

// goPackage is the part of `go list -json` the check reads.
type goPackage struct {
	ImportPath string
	Imports    []string
}

// listInternal runs `go list -json` over generator/internal and returns
// each package with its (non-test) imports.
func listInternal(t *testing.T) []goPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "../internal/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	var pkgs []goPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		t.Fatal("go list found no packages under generator/internal")
	}
	return pkgs
}

// layerViolations checks pkgs against the step table and returns one line
// per unassigned package and per import the table does not allow.
func layerViolations(table []step, pkgs []goPackage) []string {
	rank := map[string]int{}   // step name → position in the flow
	stepOf := map[string]int{} // package → index of its step
	for i, s := range table {
		rank[s.name] = i
		for _, p := range s.packages {
			stepOf[p] = i
		}
	}
	var out []string
	for _, p := range pkgs {
		rel := strings.TrimPrefix(p.ImportPath, internalPrefix)
		i, ok := stepOf[rel]
		if !ok {
			out = append(out, fmt.Sprintf("%s is assigned to no step: add it to the table in generator/pipeline/steps_test.go", rel))
			continue
		}
		for _, imp := range p.Imports {
			dep, internal := strings.CutPrefix(imp, internalPrefix)
			if !internal {
				continue
			}
			j, ok := stepOf[dep]
			switch {
			case !ok:
				continue // reported as unassigned on its own
			case j == i:
			case j > i:
				out = append(out, fmt.Sprintf("%s (%s) imports %s of the later step %s", rel, table[i].name, dep, table[j].name))
			case !slices.Contains(table[i].reads, table[j].name):
				out = append(out, fmt.Sprintf("%s (%s) imports %s of step %s, which %s does not read (reads: %s)", rel, table[i].name, dep, table[j].name, table[i].name, strings.Join(table[i].reads, ", ")))
			}
		}
	}
	for _, s := range table {
		for _, r := range s.reads {
			if at, ok := rank[r]; !ok || at >= rank[s.name] {
				out = append(out, fmt.Sprintf("step %s reads %q, which is not an earlier step", s.name, r))
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestLayers proves no package under generator/internal imports one of a
// later step, or one of a step it does not read, and that every package
// is assigned a step.
func TestLayers(t *testing.T) {
	if v := layerViolations(steps, listInternal(t)); len(v) > 0 {
		t.Errorf("the flow load → plan → validate → model → render → write is broken:\n%s", strings.Join(v, "\n"))
	}
}

// TestLayerViolations proves the check sees each kind of violation.
func TestLayerViolations(t *testing.T) {
	table := []step{
		{name: "a", packages: []string{"a"}},
		{name: "b", reads: []string{"a"}, packages: []string{"b"}},
		{name: "c", reads: []string{"b"}, packages: []string{"c"}},
		{name: "d", reads: []string{"e"}, packages: []string{"d"}},
		{name: "e", packages: []string{"e"}},
	}
	pkg := func(rel string, imports ...string) goPackage {
		p := goPackage{ImportPath: internalPrefix + rel}
		for _, i := range imports {
			p.Imports = append(p.Imports, internalPrefix+i)
		}
		return p
	}
	for _, tc := range []struct {
		name string
		pkgs []goPackage
		want []string
	}{
		{"forward imports pass", []goPackage{pkg("a", "fmt"), pkg("b", "a"), pkg("c", "b")}, nil},
		{"a later step", []goPackage{pkg("a", "b")}, []string{"a (a) imports b of the later step b"}},
		{"a step not read", []goPackage{pkg("c", "a")}, []string{"c (c) imports a of step a, which c does not read (reads: b)"}},
		{"unassigned", []goPackage{pkg("x/y")}, []string{"x/y is assigned to no step: add it to the table in generator/pipeline/steps_test.go"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := layerViolations(table, tc.pkgs)
			// d reads the later step e: the table itself is reported.
			want := append(slices.Clone(tc.want), `step d reads "e", which is not an earlier step`)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

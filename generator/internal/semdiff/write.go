package semdiff

import (
	"fmt"
	"io"
	"strings"
)

// MaxLines bounds the lines of a line diff printed per file.
const MaxLines = 40

// Write prints the file's difference for a reviewer, one line per item
// and change, indented under the file's path:
//
//	~ terraform/infra/eks.tf.json
//	    ~ resource aws_eks_cluster.this
//	        ~ version: "1.34" -> "1.35"
//	    + resource aws_iam_role.extra
func Write(w io.Writer, f *File) error {
	ew := &errWriter{w: w}
	switch f.Status {
	case Added:
		ew.printf("+ %s (added)\n", f.Path)
	case Removed:
		ew.printf("- %s (removed)\n", f.Path)
	case Formatting:
		ew.printf("~ %s (formatting only: same content once parsed)\n", f.Path)
	default:
		ew.printf("~ %s\n", f.Path)
	}
	for _, it := range f.Items {
		if it.Name == "" && it.Op == OpChange {
			writeChanges(ew, it.Changes, "    ")
			continue
		}
		name := it.Name
		if name == "" {
			name = "(document)"
		}
		ew.printf("    %s %s%s\n", it.Op, name, it.Effect.label())
		writeChanges(ew, it.Changes, "        ")
	}
	for i, l := range f.Lines {
		if i == MaxLines {
			ew.printf("    ... %d more changed line(s)\n", len(f.Lines)-MaxLines)
			break
		}
		ew.printf("    %s %4d | %s\n", l.Op, l.N, l.Text)
	}
	return ew.err
}

// WriteSummary prints one line for the file: for a file of an environment
// added or removed as a whole, where listing every block is noise.
func WriteSummary(w io.Writer, f *File) error {
	ew := &errWriter{w: w}
	what := fmt.Sprintf("%d line(s)", len(f.Lines))
	if f.Lines == nil {
		what = fmt.Sprintf("%d block(s)", len(f.Items))
	}
	switch f.Status {
	case Added:
		ew.printf("+ %s (added: %s)\n", f.Path, what)
	case Removed:
		ew.printf("- %s (removed: %s)\n", f.Path, what)
	default:
		return Write(w, f)
	}
	return ew.err
}

func writeChanges(ew *errWriter, changes []Change, indent string) {
	for _, c := range changes {
		switch c.Op {
		case OpAdd:
			ew.printf("%s+ %s: %s\n", indent, c.Path, c.New)
		case OpRemove:
			ew.printf("%s- %s: %s\n", indent, c.Path, c.Old)
		default:
			ew.printf("%s~ %s: %s -> %s\n", indent, c.Path, c.Old, c.New)
		}
	}
}

// errWriter keeps the first write error so printing code stays linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// label is the effect as printed after a resource's address:
//
//	~ resource aws_rds_cluster.this  [REPLACE: cluster_identifier forces a new resource; DESTROYS DATA: the Coder database]
//	~ resource aws_eks_node_group.ws  [update in place]
func (e *Effect) label() string {
	if e == nil {
		return ""
	}
	var parts []string
	switch e.Action {
	case ActionUpdate:
		parts = append(parts, "update in place")
		if e.Unknown {
			parts[0] = "update (no replacement rule for this type: check the plan)"
		}
	case ActionReplace:
		why := "REPLACE"
		if len(e.ForcedBy) > 0 {
			why += ": " + strings.Join(e.ForcedBy, ", ") + " forces a new resource"
		}
		parts = append(parts, why)
	case ActionDestroy:
		parts = append(parts, "DESTROY")
	case ActionCreate:
		parts = append(parts, "create")
	case ActionMove:
		parts = append(parts, "move, no change")
	}
	if e.Note != "" {
		parts = append(parts, e.Note)
	}
	if e.Action == ActionReplace || e.Action == ActionDestroy {
		switch e.Kind {
		case "data":
			parts = append(parts, "DESTROYS DATA: "+e.Holds)
		case "outage":
			parts = append(parts, "TAKES DOWN: "+e.Holds)
		}
	}
	return "  [" + strings.Join(parts, "; ") + "]"
}

package semdiff

import (
	"fmt"
	"io"
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
		ew.printf("    %s %s\n", it.Op, name)
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

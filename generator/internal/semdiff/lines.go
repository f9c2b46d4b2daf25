package semdiff

import "strings"

// LineDiff is a minimal line diff of old and new: the lines removed from
// old and added in new, numbered in their own file, found through the
// longest common subsequence.
func LineDiff(old, new []byte) []Line {
	a, b := splitLines(old), splitLines(new)
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []Line
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			// On a tie the removal comes first, so a changed line reads
			// as "- old" then "+ new".
			out = append(out, Line{Op: OpRemove, N: i + 1, Text: a[i]})
			i++
		default:
			out = append(out, Line{Op: OpAdd, N: j + 1, Text: b[j]})
			j++
		}
	}
	return out
}

func splitLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

package diag

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// Nearest is the candidate a mistyped name most likely meant: the closest
// by edit distance (a swap of two letters counts once), if close enough
// to be a typo, else the only candidate that contains the name (a missing
// prefix such as "cluster_version" for "eks_cluster_version").
func Nearest(name string, candidates []string) (string, bool) {
	best, bestDist := "", math.MaxInt
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	for _, c := range sorted {
		if d := distance(strings.ToLower(name), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best != "" && bestDist <= maxTypos(name) {
		return best, true
	}
	var containing []string
	for _, c := range sorted {
		if len(name) >= 4 && strings.Contains(strings.ToLower(c), strings.ToLower(name)) {
			containing = append(containing, c)
		}
	}
	if len(containing) == 1 {
		return containing[0], true
	}
	return "", false
}

// maxTypos is how many edits still look like a typo of a name this long.
func maxTypos(name string) int {
	return max(1, min(3, len(name)/4))
}

// NearestValue is Nearest for enum values written as CUE literals: quoted
// strings are compared unquoted, numbers by magnitude. The result is a
// CUE literal from allowed.
func NearestValue(given string, allowed []string) (string, bool) {
	if g, ok := number(given); ok {
		best, bestDist := "", math.Inf(1)
		for _, a := range allowed {
			if n, ok := number(a); ok && math.Abs(n-g) < bestDist {
				best, bestDist = a, math.Abs(n-g)
			}
		}
		return best, best != ""
	}
	g, err := strconv.Unquote(given)
	if err != nil {
		return "", false
	}
	byText := map[string]string{}
	var texts []string
	for _, a := range allowed {
		if t, err := strconv.Unquote(a); err == nil {
			byText[t] = a
			texts = append(texts, t)
		}
	}
	near, ok := Nearest(g, texts)
	return byText[near], ok
}

func number(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// distance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of adjacent letters.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

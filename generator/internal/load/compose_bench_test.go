package load

import (
	"maps"
	"slices"
	"testing"
)

// BenchmarkCompose evaluates schema.#Composition for each enabled pairing
// of prod, uncached: the largest single item of a run's CUE evaluation
// (docs/performance.md).
func BenchmarkCompose(b *testing.B) {
	env, err := NewSession(root).Load("prod")
	if err != nil {
		b.Fatal(err)
	}
	pairings := env.Config.TemplatePairings
	for _, name := range slices.Sorted(maps.Keys(pairings)) {
		p := pairings[name]
		if !p.Enabled {
			continue
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := env.Layers.compose(name, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

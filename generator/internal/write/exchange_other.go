//go:build !linux

package write

import "errors"

var errNoExchange = errors.New("exchange not supported")

// renameExchange is not available here: swaps take two renames, completed
// by the journal after a kill.
func renameExchange(a, b string) error { return errNoExchange }

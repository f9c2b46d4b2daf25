package write

import (
	"errors"

	"golang.org/x/sys/unix"
)

var errNoExchange = errors.New("exchange not supported")

// renameExchange swaps two paths atomically (renameat2 RENAME_EXCHANGE,
// Linux 3.15; ext4, xfs, btrfs, tmpfs, overlayfs support it).
func renameExchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		return errNoExchange
	}
	return err
}

package store

import "github.com/stepwise-dev/stepwise/store/internal/damage"

// DamagedError says that the store file cannot be trusted: bbolt found a
// page it did not expect, reading faulted past the end of a truncated file,
// a body block failed its checksum, or a record could not be decoded. Every
// read and write returns it (wrapped) instead of crashing; `stepwise
// recover` copies what can still be read. See store/internal/damage.
type DamagedError = damage.Error

// ErrDamaged is wrapped by every DamagedError.
var ErrDamaged = damage.ErrDamaged

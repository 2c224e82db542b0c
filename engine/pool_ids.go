package engine

import (
	"strconv"

	"github.com/spindle-tui/spindle/model"
)

// idBlock is how many task ids a pool reserves at once.
const idBlock = 64

// poolIDs hands out numeric task ids for a pool's work from blocks reserved
// from the engine's counter, so that Submit does no atomic operation per task.
// Ids stay unique and are never reused; they are only not contiguous across
// pools and managers. Pool work keeps its id as a number and formats it (the
// "t…" base-36 TaskID) only when a snapshot, Apply, Future.ID or a message
// needs it. Guarded by Pool.mu.
type poolIDs struct {
	next, end uint64 // next < end: the rest of the reserved block
}

// newIDLocked returns the next id for the pool's work.
func (p *Pool) newIDLocked() uint64 {
	ids := &p.ids
	if ids.next == ids.end {
		ids.end = p.e.nextID.Add(idBlock) + 1
		ids.next = ids.end - idBlock
	}
	id := ids.next
	ids.next++
	return id
}

// formatTaskID is the TaskID of numeric id n: "t" and n in base 36.
func formatTaskID(n uint64) model.TaskID {
	var buf [16]byte
	return model.TaskID(strconv.AppendUint(append(buf[:0], 't'), n, 36))
}

// parseTaskID is the number of id, if it is one formatTaskID makes.
func parseTaskID(id model.TaskID) (uint64, bool) {
	if len(id) < 2 || id[0] != 't' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(id[1:]), 36, 64)
	if err != nil || formatTaskID(n) != id { // no other spelling (upper case, zeros)
		return 0, false
	}
	return n, true
}

package engine

import (
	"strconv"

	"github.com/spindle-tui/spindle/model"
)

// idBlock is how many task ids a pool reserves at once.
const idBlock = 64

// poolIDs hands out task ids for a pool's work from blocks reserved from the
// engine's counter: one string allocation per block instead of one per task
// (the ids are substrings of it). Ids stay unique and are never reused; they are
// only not contiguous across pools and managers. Guarded by Pool.mu; the block
// is reserved from the engine's atomic counter, so no engine lock is needed.
type poolIDs struct {
	block string
	ends  [idBlock]uint16 // end of each id in block
	next  int             // the next id to hand out; idBlock when used up
}

// newIDLocked returns the next id for the pool's work.
func (p *Pool) newIDLocked() model.TaskID {
	ids := &p.ids
	if ids.block == "" || ids.next == idBlock {
		first := p.e.nextID.Add(idBlock) - idBlock + 1
		buf := make([]byte, 0, idBlock*8)
		for i := range uint64(idBlock) {
			buf = strconv.AppendUint(append(buf, 't'), first+i, 36)
			ids.ends[i] = uint16(len(buf))
		}
		ids.block, ids.next = string(buf), 0
	}
	start := uint16(0)
	if ids.next > 0 {
		start = ids.ends[ids.next-1]
	}
	id := model.TaskID(ids.block[start:ids.ends[ids.next]])
	ids.next++
	return id
}

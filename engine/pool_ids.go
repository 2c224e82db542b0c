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

// The creation time of queued work: work that waits behind a long queue shares
// one clock reading with the next ones, so that a burst of submissions does not
// read the clock per task.
const (
	// stampShortQueue: behind fewer queued tasks, work reads the clock itself
	// (a slow trickle of submissions gets exact times).
	stampShortQueue = 256
	// stampEvery is how many submissions to a long queue share a reading.
	stampEvery = 64
)

// queueStamp is the clock reading queued work shares. Guarded by Pool.mu.
type queueStamp struct {
	at   int64 // unix ns
	left int   // submissions that may still use at
}

// timeLocked returns the creation time of work queued now: a fresh reading
// when the queue is short, else one shared with up to stampEvery submissions.
// A long queue drains over a time much longer than a burst of stampEvery
// submissions takes, so the shared reading keeps queued ages sensible.
func (s *queueStamp) timeLocked(p *Pool) int64 {
	if s.left == 0 || p.q.Len() < stampShortQueue {
		s.at, s.left = p.now(), stampEvery
	}
	s.left--
	return s.at
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

package osproc

// cpuCounter turns each process's cumulative CPU time into what it used since
// the previous sample. A process seen for the first time counts all of it: it
// started since the last sample, give or take. It belongs to one Sampler.
type cpuCounter struct {
	prev, seen map[int]uint64 // pid → the counter at the last sample, at this one
}

// used records pid's counter, total, and returns what it grew by.
func (c *cpuCounter) used(pid int, total uint64) uint64 {
	if c.seen == nil {
		c.seen = make(map[int]uint64)
	}
	c.seen[pid] = total
	if before, ok := c.prev[pid]; ok {
		return total - min(before, total)
	}
	return total
}

// next ends a sample: the counters recorded become the previous ones, and those
// of processes not seen are forgotten.
func (c *cpuCounter) next() {
	c.prev, c.seen = c.seen, make(map[int]uint64, len(c.seen))
}

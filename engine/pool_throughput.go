package engine

// throughputSamples is how many one-second throughput samples a pool keeps.
const throughputSamples = 60

// throughputRing holds a pool's recent completions per second, one sample per
// elapsed second, without a ticker: samples are derived from the completion
// counter whenever the pool's stats are read (each snapshot). When reads are
// further apart than a second (an idle engine publishes nothing), the seconds in
// between each get the average rate over the gap.
type throughputRing struct {
	buf  [throughputSamples]float64
	next int   // where the next sample goes
	n    int   // samples held
	at   int64 // unix ns at which the current window began; 0 before the first read
	base int64 // completions at that time
}

// advance records the windows that ended by now, given the completion count.
func (tr *throughputRing) advance(now, completed int64) {
	if tr.at == 0 {
		tr.at, tr.base = now, completed
		return
	}
	secs := (now - tr.at) / 1e9
	if secs < 1 {
		return
	}
	rate := float64(completed-tr.base) / float64(secs)
	for range min(secs, throughputSamples) {
		tr.buf[tr.next] = rate
		tr.next = (tr.next + 1) % throughputSamples
		tr.n = min(tr.n+1, throughputSamples)
	}
	tr.at += secs * 1e9
	tr.base = completed
}

// oldestFirst returns a fresh slice of the samples, oldest first (snapshots
// share it, so it is never written again).
func (tr *throughputRing) oldestFirst() []float64 {
	if tr.n == 0 {
		return nil
	}
	out := make([]float64, tr.n)
	for i := range tr.n {
		out[i] = tr.buf[(tr.next-tr.n+i+throughputSamples)%throughputSamples]
	}
	return out
}

package goroutines

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"
)

// BenchmarkSample takes a sample of this process with n parked goroutines in
// 10 stacks: kind=dump as a sampler's first (or one whose dump is due: the
// label profile and the debug=2 dump fetched, parsed, grouped and tracked),
// kind=counts one between two dumps (the label profile alone, the states
// taken from the last dump).
//
//	go test -run '^$' -bench Sample -benchmem ./engine/internal/goroutines
func BenchmarkSample(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		for _, kind := range []string{"dump", "counts"} {
			b.Run("goroutines="+strconv.Itoa(n)+"/kind="+kind, func(b *testing.B) {
				stop := make(chan struct{})
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() { parkAt(i%10, stop) })
				}
				s := NewSampler(Local{})
				if _, err := s.Sample(context.Background()); err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					s.last = nil // every iteration samples
					if kind == "dump" {
						s.dump = nil
					} else {
						s.dump.next = time.Now().Add(time.Hour)
					}
					if _, err := s.Sample(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
				close(stop)
				wg.Wait()
			})
		}
	}
}

// parkAt parks on one of ten different lines, so that the goroutines make
// ten groups.
func parkAt(i int, stop chan struct{}) {
	switch i {
	case 0:
		<-stop
	case 1:
		<-stop
	case 2:
		<-stop
	case 3:
		<-stop
	case 4:
		<-stop
	case 5:
		<-stop
	case 6:
		<-stop
	case 7:
		<-stop
	case 8:
		<-stop
	default:
		<-stop
	}
}

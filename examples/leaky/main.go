// Command leaky is a small Go service that leaks goroutines, to be looked at
// with `spindle attach http://127.0.0.1:6060/debug/pprof/`: it serves
// net/http/pprof and nothing of spindle. Every 200ms a "request" starts a
// worker that waits for an answer nobody sends (the leak: its group only
// grows); a few steady goroutines tick along beside it.
//
//	go run ./examples/leaky -addr 127.0.0.1:6060
package main

import (
	"flag"
	"log"
	"net/http"
	_ "net/http/pprof" // the only thing spindle needs
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6060", "where to serve /debug/pprof/")
	every := flag.Duration("every", 200*time.Millisecond, "how often a request leaks a goroutine")
	flag.Parse()
	for range 3 {
		go ticker()
	}
	go func() {
		for range time.Tick(*every) {
			handle()
		}
	}()
	log.Printf("leaky: serving http://%s/debug/pprof/", *addr)
	srv := &http.Server{Addr: *addr, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

// handle is a request that gives up waiting for its worker but leaves it
// blocked for ever on an unbuffered channel.
func handle() {
	answer := make(chan string)
	go fetchUpstream(answer)
	select {
	case <-answer:
	case <-time.After(time.Millisecond): // the timeout: nobody reads answer any more
	}
}

// fetchUpstream takes longer than its caller waits, then blocks sending.
func fetchUpstream(answer chan<- string) {
	time.Sleep(5 * time.Millisecond)
	answer <- "done" // blocks for ever: the leak
}

// ticker is steady background work.
func ticker() {
	for range time.Tick(time.Second) {
	}
}

// ring: 10,000 goroutines in a ring, each connected to the next by an
// unbuffered channel; a token is passed around for 1,000,000 hops.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	size, hops := 10000, 1000000
	if len(os.Args) > 2 {
		size, _ = strconv.Atoi(os.Args[1])
		hops, _ = strconv.Atoi(os.Args[2])
	}
	done := make(chan int)
	chans := make([]chan int, size)
	for i := range chans {
		chans[i] = make(chan int)
	}
	start := time.Now()
	for i := 0; i < size; i++ {
		go func(in, out chan int) {
			for t := range in {
				if t == 0 {
					done <- 0
					continue
				}
				out <- t - 1
			}
		}(chans[i], chans[(i+1)%size])
	}
	// The token counts down the hops still to make; whoever receives 0 ends it.
	chans[0] <- hops
	<-done
	el := time.Since(start)
	fmt.Printf("ring: goroutines=%d check=%d time_ns=%d\n", size, hops, el.Nanoseconds())
}

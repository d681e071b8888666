// pingpong: a value goes back and forth between two goroutines over two
// unbuffered channels, 1,000,000 round trips.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	ping := make(chan int)
	pong := make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
	}()
	start := time.Now()
	v := 0
	for i := 0; i < n; i++ {
		ping <- v
		v = <-pong
	}
	el := time.Since(start)
	close(ping)
	fmt.Printf("pingpong: gomaxprocs=%d check=%d time_ns=%d\n",
		runtime.GOMAXPROCS(0), v, el.Nanoseconds())
}

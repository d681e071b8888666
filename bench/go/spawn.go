// spawn: start 1,000,000 goroutines that do nothing but signal a
// sync.WaitGroup, and wait for all of them. Measures goroutine creation,
// first schedule and exit.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	var wg sync.WaitGroup
	start := time.Now()
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			wg.Done()
		}()
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Printf("spawn: goroutines=%d check=%d time_ns=%d\n", n, n, el.Nanoseconds())
}

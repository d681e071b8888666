// yield: two goroutines each call runtime.Gosched 1,000,000 times. Run
// with GOMAXPROCS=1, every yield is a switch to the other goroutine.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	var wg sync.WaitGroup
	var yields int64
	start := time.Now()
	wg.Add(2)
	for g := 0; g < 2; g++ {
		go func() {
			for i := 0; i < n; i++ {
				runtime.Gosched()
			}
			atomic.AddInt64(&yields, int64(n))
			wg.Done()
		}()
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Printf("yield: gomaxprocs=%d check=%d time_ns=%d\n",
		runtime.GOMAXPROCS(0), yields, el.Nanoseconds())
}

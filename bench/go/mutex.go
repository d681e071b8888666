// mutex: 8 goroutines share one sync.Mutex and take it 1,000,000 times in
// all, each time incrementing a shared counter.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

func main() {
	const workers, total = 8, 1000000
	var mu sync.Mutex
	var wg sync.WaitGroup
	counter := 0
	start := time.Now()
	wg.Add(workers)
	for w := 0; w < workers; w++ {
		go func() {
			for i := 0; i < total/workers; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Printf("mutex: gomaxprocs=%d check=%d time_ns=%d\n",
		runtime.GOMAXPROCS(0), counter, el.Nanoseconds())
}

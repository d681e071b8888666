// parked: 100,000 goroutines parked on one channel. The program reads its
// own resident set size (/proc/self/statm) before and after, and reports
// the growth per parked goroutine.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

// rss returns the resident set size in bytes (second field of statm, pages).
func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		panic(err)
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func main() {
	n := 100000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	block := make(chan int)
	var started, finished sync.WaitGroup
	before := rss()
	started.Add(n)
	finished.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			started.Done()
			<-block
			finished.Done()
		}()
	}
	started.Wait()
	after := rss()
	close(block)
	finished.Wait()
	fmt.Printf("parked: goroutines=%d check=%d rss_before_kib=%d rss_after_kib=%d kib_per_g=%.2f\n",
		n, n, before/1024, after/1024, float64(after-before)/1024/float64(n))
}

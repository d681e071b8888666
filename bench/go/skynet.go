// skynet: a tree of goroutines with 10-way fan-out, 1,000,000 leaves; each
// leaf sends its number up, each inner node sums its children's results.
// See https://github.com/atemerev/skynet.
package main

import (
	"fmt"
	"time"
)

func skynet(c chan int, num, size, div int) {
	if size == 1 {
		c <- num
		return
	}
	rc := make(chan int)
	for i := 0; i < div; i++ {
		go skynet(rc, num+i*(size/div), size/div, div)
	}
	sum := 0
	for i := 0; i < div; i++ {
		sum += <-rc
	}
	c <- sum
}

func main() {
	start := time.Now()
	c := make(chan int)
	go skynet(c, 0, 1000000, 10)
	sum := <-c
	el := time.Since(start)
	fmt.Printf("skynet: check=%d time_ns=%d\n", sum, el.Nanoseconds())
}

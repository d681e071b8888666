// sieve: Go's concurrent prime sieve (a goroutine per prime found, chained
// by unbuffered channels), run until the 5,000th prime.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func generate(ch chan<- int) {
	for i := 2; ; i++ {
		ch <- i
	}
}

func filter(in <-chan int, out chan<- int, prime int) {
	for {
		if i := <-in; i%prime != 0 {
			out <- i
		}
	}
}

func main() {
	n := 5000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	start := time.Now()
	ch := make(chan int)
	go generate(ch)
	prime := 0
	for i := 0; i < n; i++ {
		prime = <-ch
		ch1 := make(chan int)
		go filter(ch, ch1, prime)
		ch = ch1
	}
	el := time.Since(start)
	fmt.Printf("sieve: primes=%d check=%d time_ns=%d\n", n, prime, el.Nanoseconds())
}

// hello: the trivial program whose exec-to-exit time and size are measured.
package main

import "fmt"

func main() {
	fmt.Println("hello, world")
}

/* httpd: a minimal HTTP/1.1 keep-alive server on 127.0.0.1 answering every
   request with the same small body, one goroutine per connection, plain
   accept/read/write. Twin of bench/go/httpd.go. The benchmark is the
   sample itself, so that what is measured is what the sample shows. */
#include "../../samples/httpd.c"

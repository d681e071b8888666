/* A goroutine waiting on a channel that a thread of the program's own will
   close is not a deadlock: checkdead counts the threads it did not make. */
#include <gort.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
static gort_chan *c;
static void *closer(void *a){ (void)a; usleep(200000); gort_chan_close(c); return 0; }
int main(void){ c = gort_chan_make(0,0); pthread_t t; pthread_create(&t,0,closer,0); bool ok = gort_chan_recv(c,0); printf("woken by a pthread, ok=%d\n", ok); pthread_join(t,0); return 0; }

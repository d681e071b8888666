/* Goroutines spawning goroutines: a tree 4 wide and 7 deep (5461 nodes). */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>

static _Atomic int nodes;

static void node(void *arg)
{
	long depth = (long)arg;
	atomic_fetch_add(&nodes, 1);
	if (depth == 0)
		return;
	for (int i = 0; i < 4; i++)
		go(node, (void *)(depth - 1));
}

int main(void)
{
	go(node, (void *)6L);
	while (atomic_load(&nodes) < 5461 || gort_numgoroutine() > 1)
		gort_yield();
	printf("nodes=%d\n", atomic_load(&nodes));
	return atomic_load(&nodes) != 5461;   /* make soak reads only the status */
}

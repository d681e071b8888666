#include "sq.h"

long sq(long x)
{
	return x * x;
}

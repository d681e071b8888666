long sq(long x);

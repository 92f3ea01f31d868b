// Counts calls to malloc, calloc and realloc in this process, by defining them in the executable (which
// interposes them for every library) and forwarding to glibc's own implementations.
#include <stdint.h>
int64_t malloc_counter_read(void);

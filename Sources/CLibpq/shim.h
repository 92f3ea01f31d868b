#ifndef HERALD_CLIBPQ_SHIM_H
#define HERALD_CLIBPQ_SHIM_H
#include <libpq-fe.h>

/* libpq exposes pipeline mode from version 14 (LIBPQ_HAS_PIPELINING). Debian 12 ships 15. */
#ifndef LIBPQ_HAS_PIPELINING
#error "Herald needs libpq 14 or newer for pipeline mode"
#endif
#endif

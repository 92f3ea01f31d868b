#ifndef HERALD_CNGHTTP2_SHIM_H
#define HERALD_CNGHTTP2_SHIM_H
#include <nghttp2/nghttp2.h>

/* Debian 12 ships nghttp2 1.52 with the Rapid Reset and CONTINUATION limits backported, while
 * pkg-config still says 1.52.0. The wrapper detects them by symbol (dlsym) at run time; these
 * typedefs give the detected function pointers their C signatures. */
typedef int (*herald_nghttp2_set_stream_reset_rate_limit_fn)(nghttp2_option *, uint64_t, uint64_t);
typedef void (*herald_nghttp2_set_max_continuations_fn)(nghttp2_option *, size_t);

/* Flags are macros or enum members depending on the version; give Swift plain constants. */
static const uint32_t HERALD_NGHTTP2_DATA_FLAG_EOF = NGHTTP2_DATA_FLAG_EOF;
static const uint32_t HERALD_NGHTTP2_DATA_FLAG_NO_END_STREAM = NGHTTP2_DATA_FLAG_NO_END_STREAM;
#endif

// protoc-c's output for Protos/herald/{common,workflows,campaigns,analytics} (generated once, committed here
// for the codec benchmark only), and the timing loops that run it without Swift in between.
#include "herald/campaigns/v1/campaigns.pb-c.h"
#include "herald/analytics/v1/analytics.pb-c.h"
#include <stddef.h>
#include <stdint.h>

/// Unpacks `bytes` `iterations` times with protobuf-c's generated code, freeing each result; ns per unpack.
double cgen_decode_ns(const ProtobufCMessageDescriptor *descriptor, const uint8_t *bytes, size_t length, long iterations);
/// Unpacks once, then packs the message `iterations` times into a buffer; ns per pack. Returns -1 on error.
double cgen_encode_ns(const ProtobufCMessageDescriptor *descriptor, const uint8_t *bytes, size_t length, long iterations);
/// The descriptors the benchmark needs, without Swift naming the generated globals.
const ProtobufCMessageDescriptor *cgen_campaign_descriptor(void);
const ProtobufCMessageDescriptor *cgen_event_descriptor(void);

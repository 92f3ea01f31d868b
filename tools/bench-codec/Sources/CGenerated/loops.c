#include "CGenerated.h"
#include <stdlib.h>
#include <time.h>

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

double cgen_decode_ns(const ProtobufCMessageDescriptor *descriptor, const uint8_t *bytes, size_t length, long iterations) {
    double start = now_ns();
    for (long i = 0; i < iterations; i++) {
        ProtobufCMessage *message = protobuf_c_message_unpack(descriptor, NULL, length, bytes);
        if (message == NULL) return -1;
        protobuf_c_message_free_unpacked(message, NULL);
    }
    return (now_ns() - start) / (double)iterations;
}

double cgen_encode_ns(const ProtobufCMessageDescriptor *descriptor, const uint8_t *bytes, size_t length, long iterations) {
    ProtobufCMessage *message = protobuf_c_message_unpack(descriptor, NULL, length, bytes);
    if (message == NULL) return -1;
    size_t size = protobuf_c_message_get_packed_size(message);
    uint8_t *buffer = malloc(size);
    double start = now_ns();
    for (long i = 0; i < iterations; i++) {
        size_t needed = protobuf_c_message_get_packed_size(message);
        if (protobuf_c_message_pack(message, buffer) != needed) return -1;
    }
    double elapsed = now_ns() - start;
    free(buffer);
    protobuf_c_message_free_unpacked(message, NULL);
    return elapsed / (double)iterations;
}

const ProtobufCMessageDescriptor *cgen_campaign_descriptor(void) { return &herald__campaigns__v1__campaign__descriptor; }
const ProtobufCMessageDescriptor *cgen_event_descriptor(void) { return &herald__analytics__v1__campaign_event__descriptor; }

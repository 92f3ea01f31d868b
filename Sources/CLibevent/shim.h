#ifndef HERALD_CLIBEVENT_SHIM_H
#define HERALD_CLIBEVENT_SHIM_H
/* Parse the system headers before libevent's event-config.h defines _GNU_SOURCE, so that fd_set and
 * friends match the definitions Foundation and Dispatch already imported. */
#include <sys/types.h>
#include <sys/time.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/buffer.h>
#include <event2/listener.h>
#include <event2/http.h>

/* Event flags are #defines of short; give Swift typed constants. */
static const short HERALD_EV_TIMEOUT = EV_TIMEOUT;
static const short HERALD_EV_READ = EV_READ;
static const short HERALD_EV_WRITE = EV_WRITE;
static const short HERALD_EV_PERSIST = EV_PERSIST;
static const int HERALD_EVLOOP_NO_EXIT_ON_EMPTY = EVLOOP_NO_EXIT_ON_EMPTY;
#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw-core's control socket, inside (not public; the protocol is docs/control-socket.md,
 * the client lib/gwc_client.h). gwc_ctl.c frames requests (one JSON object per line)
 * and dispatches them to the operations of each object type, each in a file of its
 * own: gwc_ctl_sys.c (hello, ping, status, owner.flush), gwc_ctl_slice.c (slices,
 * endpoints, MACs, counters), gwc_ctl_trailer.c (trailer keys), gwc_ctl_ipsec.c (SAs).
 * An operation reads its arguments with gwc_json.h, calls the model's functions (which
 * change nothing on failure) and builds its result. Control thread.
 */
#ifndef GWC_CTL_H
#define GWC_CTL_H

#include <stdbool.h>
#include <stddef.h>

#include "gwc.h"

struct json_object;

#define GWC_VERSION "0.1.0"
#define GWC_MAX_CLIENTS 32

/* One connected client. */
struct gwc_client {
	int fd;                      /* -1: free */
	char owner[GWC_NAME_MAX];    /* "hello" names it; it owns what it creates */
	size_t len;                  /* bytes in 'buf' */
	char buf[65536];             /* a request line being read */
};

/*
 * An operation: 'args' is the request's "args" object (NULL: none), borrowed. On
 * success it sets '*res' to a new object (or leaves it NULL: an empty result) and
 * returns 0 or more; on failure it returns -errno with 'e' saying what was wrong, and
 * the model is unchanged.
 */
typedef int (*gwc_ctl_fn)(struct gwc *g, struct gwc_client *c, struct json_object *args,
			  struct json_object **res, struct gwc_err *e);

struct gwc_ctl_op {
	const char *name;      /* "slice.add"; NULL ends a list */
	gwc_ctl_fn fn;
	const char *help;      /* its arguments and what it does */
	bool ep_schema;        /* help goes on with every endpoint type's fields */
};

/* Each file's operations, each list ended by { NULL }. */
extern const struct gwc_ctl_op gwc_ctl_sys_ops[], gwc_ctl_slice_ops[], gwc_ctl_trailer_ops[],
	gwc_ctl_ipsec_ops[];

/* Serve the control socket: accept, read, answer, waiting at most 'timeout_ms' for it.
 * @return 0 or -errno if poll() failed. */
int gwc_ctl_poll(struct gwc *g, int timeout_ms);

#endif /* GWC_CTL_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client side of gw-core's control socket (docs/control-socket.md): one JSON object
 * per line each way, over a UNIX stream socket. Plain C and json-c, no DPDK: the
 * manager, gwcctl and (later) the IKE plugin link it.
 *
 * Thread context: a struct gwc_conn is used by one thread at a time (callers that
 * share one hold their own lock). Calls block for at most the timeout given at connect.
 */
#ifndef GWC_CONN_H
#define GWC_CONN_H

#include <stddef.h>

#include <json-c/json.h>

#define GWC_CONN_MSG_MAX 512   /**< bytes of an error message, with the NUL */
/** Endpoints slice.add takes with its slice ('endpoints'); gw-core refuses more (EINVAL). */
#define GWC_SLICE_ADD_EPS 64

/** One connection, set up by gwc_conn_open() (which initialises every field). */
struct gwc_conn {
	int fd;                  /**< -1 when not connected */
	int timeout_ms;          /**< per call */
	char *buf;               /**< reply line being read (owned) */
	size_t len, cap;         /**< bytes in buf, allocated bytes */
	char version[32];        /**< gw-core's version from hello */
	char role[16];           /**< "agw" or "sep-gw" from hello */
};

/** Outcome of a call that did not succeed. */
struct gwc_conn_err {
	char code[32];                  /**< errno name from gw-core ("EEXIST"), or "ETRANSPORT" */
	int err;                        /**< errno value (gw-core's, or the local one) */
	char message[GWC_CONN_MSG_MAX];
	int index;                      /**< the list entry gw-core refused (its error's
					     "index": slice.add's endpoints[index]), or -1 */
};

/**
 * Connect to gw-core at UNIX socket path 'sock' and name this client 'name' (hello),
 * which makes it the owner of what it creates (1-63 chars).
 * @param timeout_ms  bound on each later call (connect and hello included), ms; >0
 * @return 0; -1 with 'e' filled (socket missing, refused, no or bad hello reply).
 *         On failure c->fd is -1 and nothing stays allocated.
 */
int gwc_conn_open(struct gwc_conn *c, const char *sock, const char *name, int timeout_ms,
		       struct gwc_conn_err *e);

/**
 * Send one request and wait for its reply.
 * @param args    the request's "args" object, or NULL for none; always consumed (put)
 * @param result  on 0, set to the reply's "result" (a new reference the caller puts;
 *                NULL when the reply had none). Untouched otherwise.
 * @return 0 success; -1 gw-core refused the request ('e' holds its code and message;
 *         the connection stays up); -2 transport failure or timeout ('e' says which;
 *         the connection is closed and c->fd is -1: reconnect to go on).
 */
int gwc_conn_call(struct gwc_conn *c, const char *op, struct json_object *args,
		    struct json_object **result, struct gwc_conn_err *e);

/** Close the connection and free its buffer. Safe after a failed connect, and twice. */
void gwc_conn_close(struct gwc_conn *c);

#endif

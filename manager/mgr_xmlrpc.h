/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VNode XML-RPC front end of the manager (mgr_xmlrpc.c): one request body in, one
 * methodResponse out. The HTTP server (mgr_http.c) authenticates the caller and hands
 * over the body; this file checks it (mgr_xml.h's gate: no DOCTYPE, nesting, string and
 * array limits), lets xmlrpc-c decode it and runs the method on the manager's
 * operations (mgr_ops.h). Every failure, xmlrpc-c's own included, becomes a fault of
 * docs/manager-api.md's table.
 */
#ifndef AGW_MGR_XMLRPC_H
#define AGW_MGR_XMLRPC_H

#include <stddef.h>

struct mgr;
struct mgr_caller;
struct mgr_xmlrpc;

/**
 * Register every method on 'm' (limits from m->conf.limits). Main thread, at start.
 * @return the front end, or NULL with the reason on stderr.
 */
struct mgr_xmlrpc *mgr_xmlrpc_new(struct mgr *m);

/**
 * Answer the XML-RPC call in the 'len' bytes at 'body' on behalf of 'who'. Any thread,
 * any number at once.
 * @param out  set to a malloc'd methodResponse (a result or a fault) of '*out_len'
 *   bytes, owned by the caller
 * @return 0; -1 only when out of memory (nothing to send: answer HTTP 500).
 */
int mgr_xmlrpc_call(struct mgr_xmlrpc *x, const struct mgr_caller *who, const char *body,
		    size_t len, char **out, size_t *out_len);

/** Free what mgr_xmlrpc_new() made. NULL: nothing. */
void mgr_xmlrpc_destroy(struct mgr_xmlrpc *x);

#endif /* AGW_MGR_XMLRPC_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VNode XML-RPC front end of the manager (mgr_xmlrpc.c): its methods on an Abyss
 * HTTP server. Control thread at start-up and shut-down; the methods run on Abyss's
 * connection threads.
 */
#ifndef AGW_MGR_XMLRPC_H
#define AGW_MGR_XMLRPC_H

#include <xmlrpc-c/abyss.h>

struct mgr;
struct mgr_xmlrpc;

/**
 * Register every method on 'm' and serve them at 'path' ("/RPC2") of Abyss server 'srv'
 * (created, not yet initialised). Request bodies are limited to m->conf.max_request_bytes.
 * @return the front end (mgr_xmlrpc_destroy() frees it after the server stopped), or
 *   NULL with the reason on stderr.
 */
struct mgr_xmlrpc *mgr_xmlrpc_install(struct mgr *m, TServer *srv, const char *path);

/** Free what mgr_xmlrpc_install() made. NULL: nothing. */
void mgr_xmlrpc_destroy(struct mgr_xmlrpc *x);

#endif /* AGW_MGR_XMLRPC_H */

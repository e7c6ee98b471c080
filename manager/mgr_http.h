/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager's HTTP server (mgr_http.c): access control, then the front ends.
 */
#ifndef AGW_MGR_HTTP_H
#define AGW_MGR_HTTP_H

struct mgr;

/**
 * Listen on m->conf.listen, call 'ready'('arg') once requests are served, and serve
 * until mgr_http_stop(). Main thread.
 * @return 0 after a stop; -1 with the reason on stderr (cannot listen, Abyss failed).
 */
int mgr_http_run(struct mgr *m, void (*ready)(void *arg), void *arg);

/** Make mgr_http_run() return. Async-signal-safe (Abyss sets a flag). */
void mgr_http_stop(void);

#endif /* AGW_MGR_HTTP_H */

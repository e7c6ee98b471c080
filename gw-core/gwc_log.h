/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw-core's log type and error-message helpers, used by every file of gw-core/ (not
 * public). The bottom of gw-core's call graph: it calls nothing else of gw-core.
 */
#ifndef GWC_LOG_H
#define GWC_LOG_H

#include <rte_log.h>

#include "gwc.h"

extern int gwc_logtype;
#define RTE_LOGTYPE_GWC gwc_logtype
#define GWC_LOG(l, fmt, ...) RTE_LOG(l, GWC, fmt "\n", ##__VA_ARGS__)

/** The owner of what the [slice NAME] sections of the config create. */
#define GWC_OWNER_CONFIG "config"

/** Set 'e''s message (printf-like); 'e' may be NULL. Any thread. */
void gwc_errf(struct gwc_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Put "PREFIX: " (printf-like) in front of 'e''s message; 'e' may be NULL. Any thread. */
void gwc_err_prefix(struct gwc_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* GWC_LOG_H */

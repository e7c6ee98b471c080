/* SPDX-License-Identifier: BSD-3-Clause */
/* Set-up and tear-down shared by the gw-core CUnit suites that make their own gw-core. */
#ifndef GWC_SUITE_H
#define GWC_SUITE_H

#include <stdio.h>

#include <rte_mempool.h>

#include "gwc.h"

/* gwc_create() from 'c' into '*g' and the pool's full count into '*pool_full'; -1 (the
 * reason printed) when it fails. */
static inline int
gwc_suite_create(const struct gwc_conf *c, struct gwc **g, unsigned int *pool_full)
{
	struct gwc_err e = { "" };

	*g = gwc_create(c, &e);
	if (*g == NULL) {
		fprintf(stderr, "gwc_create: %s\n", e.msg);
		return -1;
	}
	*pool_full = rte_mempool_avail_count(gwc_pool(*g));
	return 0;
}

static inline int
gwc_suite_destroy(struct gwc **g)
{
	gwc_destroy(*g);
	*g = NULL;
	return 0;
}

#endif /* GWC_SUITE_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reporting a bad value in an INI config file, the same way in every reader (the
 * launcher's [agw], the manager's [manager]): "PROG: PATH: [SECTION] KEY = 'VALUE': WANT"
 * on stderr, so the operator sees which file, key and value, and what would do.
 * Header only; any thread.
 */
#ifndef AGW_CFG_H
#define AGW_CFG_H

#include <stdio.h>

/** Print the message above. @return -1, for 'return agw_cfg_bad(...)'. */
static inline int
agw_cfg_bad(const char *prog, const char *path, const char *section, const char *key,
	    const char *val, const char *want)
{
	fprintf(stderr, "%s: %s: [%s] %s = '%s': %s\n", prog, path, section, key, val, want);
	return -1;
}

#endif /* AGW_CFG_H */

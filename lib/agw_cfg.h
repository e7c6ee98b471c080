/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * INI config files (DPDK's rte_cfgfile), the same way in every reader (gw-core, the
 * launcher's [agw], the manager's [manager] and [principal NAME]): a section read in
 * full, however many entries it has (rte_cfgfile copies at most as many as the caller
 * has room for, and says nothing of the rest); a bad value reported as
 * "PROG: PATH: [SECTION] KEY = 'VALUE': WANT" on stderr, so the operator sees which
 * file, key and value, and what would do. Header only; any thread.
 */
#ifndef AGW_CFG_H
#define AGW_CFG_H

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>

/**
 * Parse a decimal number with an optional SI multiplier (k/K 10^3, M 10^6, G 10^9,
 * T 10^12) and an optional unit "bps" or "B" ("200M", "1Gbps", "9300B", "30") into '*v'.
 * @return 0, or -1 (not such a number, or above UINT64_MAX).
 */
static inline int
agw_parse_si(const char *s, uint64_t *v)
{
	unsigned long long x, mul = 1;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': mul = 1000ull; end++; break;
	case 'M': mul = 1000000ull; end++; break;
	case 'G': mul = 1000000000ull; end++; break;
	case 'T': mul = 1000000000000ull; end++; break;
	default: return -1;
	}
	if (strcmp(end, "") != 0 && strcmp(end, "bps") != 0 && strcmp(end, "B") != 0)
		return -1;
	if (x > UINT64_MAX / mul)
		return -1;
	*v = x * mul;
	return 0;
}

/** Print the message above. @return -1, for 'return agw_cfg_bad(...)'. */
static inline int
agw_cfg_bad(const char *prog, const char *path, const char *section, const char *key,
	    const char *val, const char *want)
{
	fprintf(stderr, "%s: %s: [%s] %s = '%s': %s\n", prog, path, section, key, val, want);
	return -1;
}

/**
 * Every entry of section number 'index' (0 .. rte_cfgfile_num_sections() - 1), its name
 * copied to 'name' (CFG_NAME_LEN bytes).
 * @return a malloc'd array of '*n' entries (the caller frees it; an empty section gives
 *   a valid pointer and *n = 0), or NULL when out of memory or 'index' is out of range.
 */
static inline struct rte_cfgfile_entry *
agw_cfg_section_at(struct rte_cfgfile *f, int index, char *name, int *n)
{
	struct rte_cfgfile_entry *ent;
	int k = rte_cfgfile_section_num_entries_by_index(f, name, index);

	*n = 0;
	if (k < 0)
		return NULL;
	ent = calloc((size_t)k + 1, sizeof(*ent));
	if (ent == NULL)
		return NULL;
	*n = rte_cfgfile_section_entries_by_index(f, index, name, ent, k);
	if (*n < 0) {
		free(ent);
		*n = 0;
		return NULL;
	}
	return ent;
}

/**
 * Every entry of the first section named 'sec' (none when there is no such section).
 * @return a malloc'd array of '*n' entries (the caller frees it), or NULL when out of
 *   memory.
 */
static inline struct rte_cfgfile_entry *
agw_cfg_section(struct rte_cfgfile *f, const char *sec, int *n)
{
	struct rte_cfgfile_entry *ent;
	int k = rte_cfgfile_section_num_entries(f, sec);

	*n = 0;
	ent = calloc((size_t)(k > 0 ? k : 0) + 1, sizeof(*ent));
	if (ent != NULL && k > 0)
		*n = rte_cfgfile_section_entries(f, sec, ent, k);
	if (*n < 0)
		*n = 0;
	return ent;
}

#endif /* AGW_CFG_H */

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

#include <stdio.h>
#include <stdlib.h>

#include <rte_cfgfile.h>

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

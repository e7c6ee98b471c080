/* SPDX-License-Identifier: BSD-3-Clause */
/* The launcher's [agw] section of agw.conf, read with DPDK's rte_cfgfile (INI). */
#include <errno.h>
#include <stddef.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <rte_cfgfile.h>
#include <rte_common.h>

#include "agw.h"
#include "agw_cfg.h"

#define SECTION "agw"

static int
bad(const char *path, const char *key, const char *val, const char *want)
{
	return agw_cfg_bad("agw", path, SECTION, key, val, want);
}

/* 'val' made absolute against directory 'dir' into 'out'. */
static int
path_in(char *out, size_t len, const char *dir, const char *val)
{
	int n = val[0] == '/' ? snprintf(out, len, "%s", val)
			      : snprintf(out, len, "%s/%s", dir, val);

	return n > 0 && (size_t)n < len ? 0 : -1;
}

static int
ms_value(const char *val, unsigned int lo, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(val, &end, 10);
	if (errno != 0 || end == val || *end != '\0' || v < lo || v > 3600000UL)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int
agw_conf_load(struct agw_conf *c, const char *path)
{
	static const struct {
		const char *key;
		size_t off;
		unsigned int lo;
	} ms_keys[] = {
		{ "start_timeout_ms", offsetof(struct agw_conf, start_timeout_ms), 100 },
		{ "stop_timeout_ms", offsetof(struct agw_conf, stop_timeout_ms), 100 },
		{ "restart_delay_ms", offsetof(struct agw_conf, restart_delay_ms), 10 },
		{ "restart_delay_max_ms", offsetof(struct agw_conf, restart_delay_max_ms), 10 },
		{ "stable_ms", offsetof(struct agw_conf, stable_ms), 0 },
	};
	/* paths (PATH_MAX bytes each) taken from the file's directory when relative */
	static const struct {
		const char *key;
		size_t off;
	} path_keys[] = {
		{ "bin_dir", offsetof(struct agw_conf, bin_dir) },
		{ "gw_core_conf", offsetof(struct agw_conf, gw_core_conf) },
		{ "charon", offsetof(struct agw_conf, charon) },
		{ "strongswan_conf", offsetof(struct agw_conf, strongswan_conf) },
		{ "ike_plugin", offsetof(struct agw_conf, ike_plugin) },
	}, bool_keys[] = {
		{ "manager", offsetof(struct agw_conf, manager) },
		{ "ike", offsetof(struct agw_conf, ike) },
	};
	struct rte_cfgfile_entry *ent;
	char dir[PATH_MAX], exe[PATH_MAX], tmp[PATH_MAX];
	struct rte_cfgfile *f;
	ssize_t n;
	int i, j, k, n_ent;

	memset(c, 0, sizeof(*c));
	if (realpath(path, c->conf_path) == NULL) {
		fprintf(stderr, "agw: %s: %s (give the appliance config with -c)\n", path,
			strerror(errno));
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s", c->conf_path);
	snprintf(dir, sizeof(dir), "%s", dirname(tmp));
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		fprintf(stderr, "agw: cannot find my own executable: %s\n", strerror(errno));
		return -1;
	}
	exe[n] = '\0';
	snprintf(c->bin_dir, sizeof(c->bin_dir), "%s", dirname(exe));
	snprintf(c->gw_core_conf, sizeof(c->gw_core_conf), "%s", "/etc/agw/gw-core.conf");
	snprintf(c->run_dir, sizeof(c->run_dir), "%s", "/run/agw");
	c->manager = true;
	c->ike = false;
	snprintf(c->charon, sizeof(c->charon), "%s", "/usr/sbin/charon-systemd");
	snprintf(c->strongswan_conf, sizeof(c->strongswan_conf), "%s/strongswan-agw.conf", dir);
	c->start_timeout_ms = 60000;
	c->stop_timeout_ms = 10000;
	c->restart_delay_ms = 500;
	c->restart_delay_max_ms = 30000;
	c->stable_ms = 60000;

	f = rte_cfgfile_load(c->conf_path, 0);
	if (f == NULL) {
		fprintf(stderr, "agw: %s: not a readable INI file (an empty value is not allowed: "
			"leave the key out)\n", c->conf_path);
		return -1;
	}
	if (!rte_cfgfile_has_section(f, SECTION)) {
		rte_cfgfile_close(f);
		return 0;
	}
	ent = agw_cfg_section(f, SECTION, &n_ent);
	if (ent == NULL) {
		rte_cfgfile_close(f);
		return -1;
	}
	for (i = 0; i < n_ent; i++) {
		const char *key = ent[i].name, *val = ent[i].value;
		int rc = 0;

		for (k = 0; k < (int)RTE_DIM(path_keys) && strcmp(key, path_keys[k].key) != 0; k++)
			;
		for (j = 0; j < (int)RTE_DIM(bool_keys) && strcmp(key, bool_keys[j].key) != 0; j++)
			;
		if (k < (int)RTE_DIM(path_keys)) {
			if (path_in((char *)c + path_keys[k].off, PATH_MAX, dir, val) != 0)
				rc = bad(c->conf_path, key, val, "path too long");
		} else if (j < (int)RTE_DIM(bool_keys)) {
			bool *b = (bool *)((char *)c + bool_keys[j].off);

			if (strcasecmp(val, "yes") == 0)
				*b = true;
			else if (strcasecmp(val, "no") == 0)
				*b = false;
			else
				rc = bad(c->conf_path, key, val, "expected yes or no");
		} else if (strcmp(key, "run_dir") == 0) {
			/* room for "/agw.status.tmp" and a notification socket's name */
			if (path_in(c->run_dir, sizeof(c->run_dir), dir, val) != 0 ||
			    strlen(c->run_dir) > 80)
				rc = bad(c->conf_path, key, val,
					 "too long for a UNIX socket path (80 bytes at most)");
		} else {
			for (k = 0; k < (int)RTE_DIM(ms_keys); k++)
				if (strcmp(key, ms_keys[k].key) == 0)
					break;
			if (k == (int)RTE_DIM(ms_keys)) {
				rc = bad(c->conf_path, key, val,
					 "unknown key (see docs/configuration.md, \"[agw]\")");
			} else if (ms_value(val, ms_keys[k].lo,
					    (unsigned int *)((char *)c + ms_keys[k].off)) != 0) {
				char want[96];

				snprintf(want, sizeof(want),
					 "expected milliseconds, %u to 3600000", ms_keys[k].lo);
				rc = bad(c->conf_path, key, val, want);
			}
		}
		if (rc != 0) {
			free(ent);
			rte_cfgfile_close(f);
			return -1;
		}
	}
	free(ent);
	rte_cfgfile_close(f);
	if (c->restart_delay_max_ms < c->restart_delay_ms) {
		char v[32];

		snprintf(v, sizeof(v), "%u", c->restart_delay_max_ms);
		return bad(c->conf_path, "restart_delay_max_ms", v,
			   "must not be below restart_delay_ms");
	}
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The node plan (nsl.h): a node sliver's resources and params checked, its image URLs
 * resolved. Pure.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsl.h"

#define SERVER_PLACEHOLDER "{bootImageServer}"

enum nsl_flavour
nsl_flavour_of(const char *instance)
{
	if (instance == NULL)
		return NSL_NONE;
	if (strcmp(instance, "SlowPath_VM") == 0)
		return NSL_VM;
	if (strcmp(instance, "Container") == 0)
		return NSL_CONTAINER;
	return NSL_NONE;
}

/* Decimal 's' in lo..hi. */
static int
number(const char *s, uint64_t lo, uint64_t hi, uint64_t *v)
{
	char *end;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return -1;
	*v = strtoull(s, &end, 10);
	return *end == '\0' && *v >= lo && *v <= hi ? 0 : -1;
}

int
nsl_demand_of(const char *node, const struct mgr_kvs *res, struct nsl_demand *out,
	      struct mgr_err *e)
{
	const char *disk = mgr_kv_get(res, "disk");
	uint64_t v;

	if (number(mgr_kv_get(res, "cpu"), 1, NSL_MAX_CPUS, &v) != 0)
		return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': resource 'cpu' (cores, 1-%d) "
				"is required", node, NSL_MAX_CPUS);
	out->cpus = (unsigned int)v;
	if (number(mgr_kv_get(res, "memory"), 16, 1u << 20, &out->memory_mib) != 0)
		return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': resource 'memory' (MiB, "
				"16-1048576) is required", node);
	out->disk_mib = NSL_DISK_DEFAULT_MIB;
	if (disk != NULL && number(disk, 1, 1u << 24, &out->disk_mib) != 0)
		return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': resource 'disk' '%.32s' is not "
				"a size in MiB (1-16777216)", node, disk);
	return 0;
}

/* Param 'key''s URL into 'out' ("" when absent), '{bootImageServer}' resolved. */
static int
url(const struct nsl_conf *c, const char *node, const char *key, const char *v, char *out,
    struct mgr_err *e)
{
	const char *p, *close;
	size_t n = 0;

	out[0] = '\0';
	if (v == NULL)
		return 0;
	if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0 &&
	    strncmp(v, "file:///", 8) != 0)
		return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': param '%s' '%.80s' is not an "
				"http://, https:// or file:/// URL", node, key, v);
	for (p = v; *p != '\0'; p++) {
		const char *add = p;
		size_t len = 1;

		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': param '%s' holds a space "
					"or control character", node, key);
		if (*p == '{') {
			close = strchr(p, '}');
			if (close == NULL)
				return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': param '%s': a '{' "
						"without its '}'", node, key);
			if ((size_t)(close - p + 1) != strlen(SERVER_PLACEHOLDER) ||
			    strncmp(p, SERVER_PLACEHOLDER, strlen(SERVER_PLACEHOLDER)) != 0)
				return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': param '%s': "
						"placeholder '%.*s' is unknown (only %s)", node, key,
						(int)(close - p + 1 < 64 ? close - p + 1 : 64), p,
						SERVER_PLACEHOLDER);
			if (c->boot_image_server[0] == '\0')
				return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': param '%s' uses %s, "
						"and this AGW has no [nsliver] boot_image_server",
						node, key, SERVER_PLACEHOLDER);
			add = c->boot_image_server;
			len = strlen(add);
			p = close;
		} else if (*p == '}') {
			return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': param '%s': a '}' without "
					"its '{'", node, key);
		}
		if (n + len >= NSL_URL_MAX)
			return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': param '%s' is longer than "
					"%d bytes", node, key, NSL_URL_MAX - 1);
		memcpy(out + n, add, len);
		n += len;
	}
	out[n] = '\0';
	return 0;
}

/* A printable text param of at most NSL_CMDLINE_MAX - 1 bytes into 'out'. */
static int
text(const char *node, const char *key, const char *v, char *out, struct mgr_err *e)
{
	const char *p;

	out[0] = '\0';
	if (v == NULL)
		return 0;
	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': param '%s' holds a control "
					"character", node, key);
	if (strlen(v) >= NSL_CMDLINE_MAX)
		return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': param '%s' is longer than %d "
				"bytes", node, key, NSL_CMDLINE_MAX - 1);
	snprintf(out, NSL_CMDLINE_MAX, "%s", v);
	return 0;
}

bool
nsl_vports_vhost(const char *instance, const struct mgr_kvs *par)
{
	const char *att = mgr_kv_get(par, "attach");

	return nsl_flavour_of(instance) == NSL_VM ||
	       (nsl_flavour_of(instance) == NSL_CONTAINER && att != NULL &&
		strcmp(att, "vhost-user") == 0);
}

int
nsl_plan_node(const struct nsl_conf *c, const char *node, const char *instance,
	      const struct mgr_kvs *res, const struct mgr_kvs *par, struct nsl_plan *out,
	      struct mgr_err *e)
{
	const char *arch = mgr_kv_get(res, "arch"), *mode = mgr_kv_get(res, "cpumode");
	const char *sha = mgr_kv_get(par, "bootImage_sha256");
	size_t i;

	memset(out, 0, sizeof(*out));
	out->flavour = nsl_flavour_of(instance);
	if (out->flavour == NSL_NONE)
		return mgr_fail(e, MGR_UNSUPPORTED, "nodeSliver '%s': instance type '%s' is not a "
				"node sliver this AGW runs (SlowPath_VM, Container)", node,
				instance != NULL ? instance : "");
	if (nsl_demand_of(node, res, &out->need, e) != 0)
		return -1;
	if (arch != NULL && strcmp(arch, "x86_64") != 0)
		return mgr_fail(e, MGR_UNSUPPORTED, "nodeSliver '%s': arch '%.32s': this AGW runs "
				"x86_64 node slivers only", node, arch);
	if (mode != NULL && strcmp(mode, "dedicated") != 0 && strcmp(mode, "shared") != 0)
		return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': cpumode '%.32s' is not "
				"dedicated or shared", node, mode);
	out->dedicated = mode != NULL && strcmp(mode, "dedicated") == 0;
	if (url(c, node, "bootImage", mgr_kv_get(par, "bootImage"), out->image_url, e) != 0)
		return -1;
	if (sha != NULL) {
		for (i = 0; sha[i] != '\0' && isxdigit((unsigned char)sha[i]); i++)
			;
		if (i != 64 || sha[i] != '\0')
			return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': bootImage_sha256 must be 64 "
					"hex digits (a SHA-256)", node);
		for (i = 0; i < 64; i++)
			out->image_sha256[i] = (char)tolower((unsigned char)sha[i]);
		if (out->image_url[0] == '\0')
			return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': bootImage_sha256 without "
					"bootImage", node);
	}
	if (out->flavour == NSL_CONTAINER) {
		if (mgr_kv_get(par, "kernel") != NULL || mgr_kv_get(par, "initrd") != NULL ||
		    mgr_kv_get(par, "cmdline") != NULL)
			return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': a Container runs no guest "
					"kernel (no kernel, initrd or cmdline)", node);
		const char *att = mgr_kv_get(par, "attach");

		if (out->image_url[0] == '\0')
			return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': a Container needs param "
					"bootImage (its root file system, a tar archive)", node);
		if (att != NULL && strcmp(att, "kernel") != 0 && strcmp(att, "vhost-user") != 0)
			return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': attach '%.32s' is not kernel "
					"(interfaces) or vhost-user (sockets for DPDK programs)", node,
					att);
		out->vhost_user = att != NULL && strcmp(att, "vhost-user") == 0;
		return text(node, "command", mgr_kv_get(par, "command"), out->command, e);
	}
	if (mgr_kv_get(par, "command") != NULL || mgr_kv_get(par, "attach") != NULL)
		return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': params 'command' and 'attach' are "
				"a Container's (a SlowPath_VM boots its image; its vports are "
				"vhost-user)", node);
	if (url(c, node, "kernel", mgr_kv_get(par, "kernel"), out->kernel_url, e) != 0 ||
	    url(c, node, "initrd", mgr_kv_get(par, "initrd"), out->initrd_url, e) != 0 ||
	    text(node, "cmdline", mgr_kv_get(par, "cmdline"), out->cmdline, e) != 0)
		return -1;
	if (out->kernel_url[0] == '\0' && (out->initrd_url[0] != '\0' || out->cmdline[0] != '\0'))
		return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': initrd and cmdline go with param "
				"kernel", node);
	if (out->image_url[0] == '\0' && out->kernel_url[0] == '\0')
		return mgr_fail(e, MGR_BADARGS, "nodeSliver '%s': a SlowPath_VM needs param "
				"bootImage (a raw or qcow2 disk) or kernel", node);
	return 0;
}

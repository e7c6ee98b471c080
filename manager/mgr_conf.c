/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager's configuration: [manager] of agw.conf (and the launcher's [agw] ike),
 * read with DPDK's rte_cfgfile. Every key is a line of one table (its name, where it
 * goes and how its value is read); an unknown key or a bad value is refused naming the
 * file, the key and what would do. docs/configuration.md lists the keys.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <rte_cfgfile.h>

#include "agw_cfg.h"
#include "mgr_ops.h"

#define PROG "agw-manager"

struct conf_key;
/* Store 'v' for key 'k' in 'c'. @return 0; -1 with '*want' saying what would do. */
typedef int (*conf_set_fn)(struct mgr_conf *c, const struct conf_key *k, const char *v,
			   const char **want);

struct conf_key {
	const char *name;
	conf_set_fn set;
	size_t off, size;      /* the field of struct mgr_conf ('set' may ignore them) */
};

#define FIELD(f) offsetof(struct mgr_conf, f), sizeof(((struct mgr_conf *)0)->f)

static char *
field(struct mgr_conf *c, const struct conf_key *k)
{
	return (char *)c + k->off;
}

static int
set_str(struct mgr_conf *c, const struct conf_key *k, const char *v, const char **want)
{
	if (strlen(v) >= k->size) {
		*want = "too long";
		return -1;
	}
	snprintf(field(c, k), k->size, "%s", v);
	return 0;
}

/* "" or an IPv4 address */
static int
set_ipv4(struct mgr_conf *c, const struct conf_key *k, const char *v, const char **want)
{
	struct in_addr a;

	if (*v != '\0' && inet_pton(AF_INET, v, &a) != 1) {
		*want = "not a valid value (docs/configuration.md)";
		return -1;
	}
	return set_str(c, k, v, want);
}

/* "LOW-HIGH", both at most 'max' */
static int
range(const char *s, unsigned long max, unsigned long *lo, unsigned long *hi)
{
	char *end;

	errno = 0;
	*lo = strtoul(s, &end, 10);
	if (errno != 0 || *end != '-')
		return -1;
	*hi = strtoul(end + 1, &end, 10);
	return errno == 0 && *end == '\0' && *lo <= *hi && *hi <= max ? 0 : -1;
}

static int
set_vid_range(struct mgr_conf *c, const struct conf_key *k, const char *v, const char **want)
{
	unsigned long lo, hi;

	(void)k;
	if (range(v, 4094, &lo, &hi) != 0 || lo == 0) {
		*want = "want LOW-HIGH inside 1-4094";
		return -1;
	}
	c->plan.vid_min = (uint16_t)lo;
	c->plan.vid_max = (uint16_t)hi;
	return 0;
}

static int
set_key_range(struct mgr_conf *c, const struct conf_key *k, const char *v, const char **want)
{
	unsigned long lo, hi;

	(void)k;
	if (range(v, UINT32_MAX, &lo, &hi) != 0) {
		*want = "want LOW-HIGH inside 0-4294967295";
		return -1;
	}
	c->plan.key_min = (uint32_t)lo;
	c->plan.key_max = (uint32_t)hi;
	return 0;
}

static int
set_vici(struct mgr_conf *c, const struct conf_key *k, const char *v, const char **want)
{
	(void)k;
	(void)want;
	snprintf(c->charon.uri, sizeof(c->charon.uri), "%s%s",
		 strncmp(v, "unix://", 7) == 0 ? "" : "unix://", v);
	return 0;
}

static int
set_ike_id(struct mgr_conf *c, const struct conf_key *k, const char *v, const char **want)
{
	if (!mgr_ike_id_ok(v)) {
		*want = "an IKE identity: 1-127 printable characters without spaces or quotes";
		return -1;
	}
	return set_str(c, k, v, want);
}

static int
set_path(struct mgr_conf *c, const struct conf_key *k, const char *v, const char **want)
{
	if (strlen(v) >= k->size || v[0] != '/') {
		*want = "an absolute path of a PEM or DER file";
		return -1;
	}
	return set_str(c, k, v, want);
}

/* An SI number ("1G", "30") for a field of type 'unsigned int' or 'size_t' or 'uint64_t'
 * (by the field's size), at most 'max' and, for the _nz form, not 0. */
static int
si(struct mgr_conf *c, const struct conf_key *k, const char *v, const char **want, uint64_t max,
   bool nonzero)
{
	uint64_t x;

	if (mgr_parse_si(v, &x) != 0 || x > max || (nonzero && x == 0)) {
		*want = "not a valid value (docs/configuration.md)";
		return -1;
	}
	if (k->size == sizeof(uint64_t))
		memcpy(field(c, k), &x, sizeof(x));
	else {
		unsigned int u = (unsigned int)x;

		memcpy(field(c, k), &u, sizeof(u));
	}
	return 0;
}

static int
set_u32_nz(struct mgr_conf *c, const struct conf_key *k, const char *v, const char **want)
{
	return si(c, k, v, want, UINT32_MAX, true);
}

static int
set_dpd(struct mgr_conf *c, const struct conf_key *k, const char *v, const char **want)
{
	return si(c, k, v, want, 86400, false);
}

static int
set_bps(struct mgr_conf *c, const struct conf_key *k, const char *v, const char **want)
{
	return si(c, k, v, want, UINT64_MAX, false);
}

static int
set_yesno(struct mgr_conf *c, const struct conf_key *k, const char *v, const char **want)
{
	bool b;

	if (strcasecmp(v, "yes") == 0)
		b = true;
	else if (strcasecmp(v, "no") == 0)
		b = false;
	else {
		*want = "yes or no";
		return -1;
	}
	memcpy(field(c, k), &b, sizeof(b));
	return 0;
}

static int
set_depth(struct mgr_conf *c, const struct conf_key *k, const char *v, const char **want)
{
	/* libxml2 itself stops at 256 levels; a VNode call needs 8, a Common API 2.0 one ~40 */
	if (si(c, k, v, want, 256, true) != 0 || c->limits.max_xml_depth < 8) {
		*want = "a number of levels, 8-256";
		return -1;
	}
	return 0;
}

/* a federated domain's name: 1-63 printable characters, no comma or space */
static bool
domain_ok(const char *v)
{
	size_t i, n = strlen(v);

	if (n == 0 || n >= MGR_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (v[i] <= ' ' || v[i] > '~' || v[i] == ',')
			return false;
	return true;
}

static int
set_domain(struct mgr_conf *c, const struct conf_key *k, const char *v, const char **want)
{
	if (!domain_ok(v)) {
		*want = "a domain name: 1-63 printable characters, no space or comma";
		return -1;
	}
	return set_str(c, k, v, want);
}

static const struct conf_key keys[] = {
	{ "listen", set_str, FIELD(listen) },
	{ "user", set_str, FIELD(user) },
	{ "password_hash", set_str, FIELD(password_hash) },
	{ "tls", set_yesno, FIELD(tls) },
	{ "tls_cert", set_path, FIELD(tls_cert) },
	{ "tls_key", set_path, FIELD(tls_key) },
	{ "tls_client_ca", set_path, FIELD(tls_client_ca) },
	{ "max_xml_depth", set_depth, FIELD(limits.max_xml_depth) },
	{ "max_string_bytes", set_u32_nz, FIELD(limits.max_string_bytes) },
	{ "max_array_items", set_u32_nz, FIELD(limits.max_array_items) },
	{ "max_header_bytes", set_u32_nz, FIELD(limits.max_header_bytes) },
	{ "db", set_str, FIELD(db) },
	{ "gw_core_socket", set_str, FIELD(gwc_socket) },
	{ "client_name", set_str, FIELD(client) },
	{ "max_request_bytes", set_u32_nz, FIELD(max_request_bytes) },
	{ "gw_core_check_ms", set_u32_nz, FIELD(gwc_check_ms) },
	{ "gw_core_timeout_ms", set_u32_nz, FIELD(gwc_timeout_ms) },
	{ "uplink_port", set_str, FIELD(plan.uplink_port) },
	{ "access_port", set_str, FIELD(plan.access_port) },
	{ "vid_range", set_vid_range, 0, 0 },
	{ "gre_key_range", set_key_range, 0, 0 },
	{ "gre_remote", set_ipv4, FIELD(plan.gre_remote) },
	{ "port_capacity", set_bps, FIELD(plan.port_capacity_bps) },
	{ "vici_socket", set_vici, 0, 0 },
	{ "ike_id", set_ike_id, FIELD(charon.local_id) },
	{ "ike_dpd_delay_s", set_dpd, FIELD(charon.dpd_delay_s) },
	{ "ike_cert", set_path, FIELD(charon.cert_file) },
	{ "ike_key", set_path, FIELD(charon.key_file) },
	{ "ike_cacert", set_path, FIELD(charon.cacert_file) },
	{ "domain_name", set_domain, FIELD(capi.domain) },
};

static void
defaults(struct mgr_conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8740");
	snprintf(c->user, sizeof(c->user), "snc");
	snprintf(c->db, sizeof(c->db), "/var/lib/agw/agw.db");
	snprintf(c->gwc_socket, sizeof(c->gwc_socket), "/run/agw/gw-core.sock");
	snprintf(c->client, sizeof(c->client), "manager");
	c->max_request_bytes = 1 << 20;
	c->tls = true;
	c->limits.max_xml_depth = 64;
	c->limits.max_string_bytes = 1 << 20;
	c->limits.max_array_items = 10000;
	c->limits.max_header_bytes = 8192;
	c->gwc_check_ms = 1000;
	c->gwc_timeout_ms = 5000;
	snprintf(c->plan.uplink_port, sizeof(c->plan.uplink_port), "uplink");
	snprintf(c->plan.access_port, sizeof(c->plan.access_port), "access");
	c->plan.vid_min = 100;
	c->plan.vid_max = 4094;
	c->plan.key_min = 1;
	c->plan.key_max = 65535;
	c->plan.port_capacity_bps = 10000000000ull;
	snprintf(c->charon.uri, sizeof(c->charon.uri), "unix:///run/agw/charon.vici");
	c->charon.dpd_delay_s = 30;
	/* node slivers: this machine's cores and half its memory, 20 GiB of disk */
	c->nsl.cores = sysconf(_SC_NPROCESSORS_ONLN) > 0 ? (unsigned int)sysconf(_SC_NPROCESSORS_ONLN)
							  : 1;
	c->nsl.memory_mib = sysconf(_SC_PHYS_PAGES) > 0 && sysconf(_SC_PAGESIZE) > 0
				    ? (uint64_t)sysconf(_SC_PHYS_PAGES) *
					      (uint64_t)sysconf(_SC_PAGESIZE) / 2 / (1u << 20)
				    : 1024;
	c->nsl.disk_mib = 20480;
	snprintf(c->nsl.run_dir, sizeof(c->nsl.run_dir), "/var/lib/agw/nsliver");
	snprintf(c->nsl.cache_dir, sizeof(c->nsl.cache_dir), "/var/cache/agw/images");
	c->nsl.image_max_mib = 4096;
	c->nsl.fetch_timeout_s = 600;
	c->nsl.stop_timeout_ms = 5000;
	c->nsl.start_timeout_s = 120;
	c->nsl.restart_max = 5;
	snprintf(c->nsl.accel, sizeof(c->nsl.accel), "auto");
	snprintf(c->nsl.qemu, sizeof(c->nsl.qemu), "qemu-system-x86_64");
	c->plan.nsl = &c->nsl;
}

/* [nsliver]: node slivers' capacity and image server (docs/configuration.md). */
static int
load_nsliver(struct mgr_conf *c, struct rte_cfgfile *f, const char *path)
{
	struct rte_cfgfile_entry *ent;
	int n, i, rc = 0;

	if (!rte_cfgfile_has_section(f, "nsliver"))
		return 0;
	ent = agw_cfg_section(f, "nsliver", &n);
	if (ent == NULL)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		const char *k = ent[i].name, *v = ent[i].value;
		char *end = NULL;
		uint64_t x = strtoull(v, &end, 10);
		bool num = v[0] >= '0' && v[0] <= '9' && *end == '\0';   /* plain decimal */

		if (strcmp(k, "cores") == 0 && num && x <= 4096)
			c->nsl.cores = (unsigned int)x;
		else if (strcmp(k, "memory_mib") == 0 && num)
			c->nsl.memory_mib = x;
		else if (strcmp(k, "disk_mib") == 0 && num)
			c->nsl.disk_mib = x;
		else if (strcmp(k, "boot_image_server") == 0 &&
			 strlen(v) < sizeof(c->nsl.boot_image_server) && strpbrk(v, " /{}") == NULL)
			snprintf(c->nsl.boot_image_server, sizeof(c->nsl.boot_image_server), "%s", v);
		else if (strcmp(k, "run_dir") == 0 && v[0] == '/' && strlen(v) < 200)
			snprintf(c->nsl.run_dir, sizeof(c->nsl.run_dir), "%s", v);
		else if (strcmp(k, "cache_dir") == 0 && v[0] == '/' && strlen(v) < 200)
			snprintf(c->nsl.cache_dir, sizeof(c->nsl.cache_dir), "%s", v);
		else if (strcmp(k, "image_max_mib") == 0 && num && x >= 1 && x <= 1048576)
			c->nsl.image_max_mib = x;
		else if (strcmp(k, "fetch_timeout_s") == 0 && num && x >= 1 && x <= 86400)
			c->nsl.fetch_timeout_s = (unsigned int)x;
		else if (strcmp(k, "stop_timeout_ms") == 0 && num && x <= 600000)
			c->nsl.stop_timeout_ms = (unsigned int)x;
		else if (strcmp(k, "restart") == 0 && (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0))
			c->nsl.restart = v[0] == 'y';
		else if (strcmp(k, "restart_max") == 0 && num && x >= 1 && x <= 1000)
			c->nsl.restart_max = (unsigned int)x;
		else if (strcmp(k, "start_timeout_s") == 0 && num && x >= 1 && x <= 3600)
			c->nsl.start_timeout_s = (unsigned int)x;
		else if (strcmp(k, "accel") == 0 && (strcmp(v, "auto") == 0 || strcmp(v, "kvm") == 0 ||
						     strcmp(v, "tcg") == 0))
			snprintf(c->nsl.accel, sizeof(c->nsl.accel), "%s", v);
		else if (strcmp(k, "qemu") == 0 && v[0] != '\0' && strlen(v) < sizeof(c->nsl.qemu) &&
			 strpbrk(v, " ") == NULL)
			snprintf(c->nsl.qemu, sizeof(c->nsl.qemu), "%s", v);
		else if (strcmp(k, "gwcore_netns") == 0 && strlen(v) < sizeof(c->nsl.gwc_netns) &&
			 strpbrk(v, " /") == NULL)
			snprintf(c->nsl.gwc_netns, sizeof(c->nsl.gwc_netns), "%s", v);
		else {
			agw_cfg_bad(PROG, path, "nsliver", k, v,
				    "keys: cores (0-4096), memory_mib, disk_mib (decimal MiB), "
				    "boot_image_server (HOST[:PORT], no '/', space or braces), "
				    "run_dir, cache_dir (absolute paths, < 200 bytes), image_max_mib "
				    "(1-1048576), fetch_timeout_s (1-86400), stop_timeout_ms "
				    "(0-600000), start_timeout_s (1-3600), restart (yes, no), "
				    "restart_max (1-1000), accel (auto, kvm, tcg), "
				    "qemu (a program), gwcore_netns (an ip netns name)");
			rc = -1;
		}
	}
	free(ent);
	return rc;
}

static bool
loopback(const char *listen)
{
	char host[128], *colon;
	struct in6_addr a6;
	struct in_addr a4;

	snprintf(host, sizeof(host), "%s", listen[0] == '[' ? listen + 1 : listen);
	colon = strrchr(host, listen[0] == '[' ? ']' : ':');
	if (colon != NULL)
		*colon = '\0';
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* Called for each section [PREFIX NAME] with NAME and the section's entries.
 * @return 0; -1 after saying on stderr what is wrong. */
typedef int (*section_fn)(struct mgr_conf *c, const char *path, const char *section,
			  const char *name, const struct rte_cfgfile_entry *ent, int n);

/* Call 'fn' for every section whose name starts with 'prefix' ("principal "), in file
 * order. @return 0; -1 (fn's, or out of memory). */
static int
each_section(struct mgr_conf *c, struct rte_cfgfile *f, const char *path, const char *prefix,
	     section_fn fn)
{
	int ns = rte_cfgfile_num_sections(f, "", 0), i, n;   /* all of them */
	char (*names)[CFG_NAME_LEN] = NULL, **np = NULL;
	struct rte_cfgfile_entry *ent = NULL;
	size_t pl = strlen(prefix);
	int rc = -1;

	if (ns <= 0)
		return 0;
	names = calloc((size_t)ns, sizeof(*names));
	np = calloc((size_t)ns, sizeof(*np));
	if (names == NULL || np == NULL)
		goto out;
	for (i = 0; i < ns; i++)
		np[i] = names[i];
	ns = rte_cfgfile_sections(f, np, ns);
	for (i = 0; i < ns; i++) {
		if (strncmp(names[i], prefix, pl) != 0)
			continue;
		free(ent);
		ent = agw_cfg_section(f, names[i], &n);
		if (ent == NULL || fn(c, path, names[i], names[i] + pl, ent, n) != 0)
			goto out;
	}
	rc = 0;
out:
	free(ent);
	free(np);
	free(names);
	return rc;
}

/* [principal NAME]: password_hash, cert_name, admin, domains. */
static int
principal_section(struct mgr_conf *c, const char *path, const char *section, const char *pn,
		  const struct rte_cfgfile_entry *ent, int n)
{
	struct mgr_principal *p = &c->principals[c->n_principals];
	int j;

	if (!mgr_name_ok(pn) || mgr_conf_principal(c, pn) != NULL) {
		fprintf(stderr, PROG ": %s: [%s]: '%s' is not a name (1-63 of A-Z a-z 0-9 "
			"_ . -) or is used twice\n", path, section, pn);
		return -1;
	}
	snprintf(p->name, sizeof(p->name), "%s", pn);
	for (j = 0; j < n; j++) {
		const char *k = ent[j].name, *v = ent[j].value;

		if (strcmp(k, "password_hash") == 0 && v[0] == '$' &&
		    strlen(v) < sizeof(p->password_hash))
			snprintf(p->password_hash, sizeof(p->password_hash), "%s", v);
		else if (strcmp(k, "cert_name") == 0 && strlen(v) < sizeof(p->cert_name))
			snprintf(p->cert_name, sizeof(p->cert_name), "%s", v);
		else if (strcmp(k, "domains") == 0 && strlen(v) < sizeof(p->domains))
			snprintf(p->domains, sizeof(p->domains), "%s", v);
		else if (strcmp(k, "admin") == 0 &&
			 (strcasecmp(v, "yes") == 0 || strcasecmp(v, "no") == 0))
			p->admin = strcasecmp(v, "yes") == 0;
		else {
			agw_cfg_bad(PROG, path, section, k, v,
				    "keys: password_hash (from agw-manager --hash-password), "
				    "cert_name, admin = yes|no, domains = DOMAIN[,DOMAIN...]");
			return -1;
		}
	}
	c->n_principals++;
	return 0;
}

/* The principals: [manager]'s user, then every [principal NAME]. */
static int
load_principals(struct mgr_conf *c, struct rte_cfgfile *f, const char *path)
{
	int ns = rte_cfgfile_num_sections(f, "", 0);

	c->principals = calloc((size_t)(ns > 0 ? ns : 0) + 1, sizeof(*c->principals));
	if (c->principals == NULL)
		return -1;
	if (c->password_hash[0] != '\0') {
		struct mgr_principal *p = &c->principals[c->n_principals++];

		snprintf(p->name, sizeof(p->name), "%s", c->user);
		snprintf(p->password_hash, sizeof(p->password_hash), "%s", c->password_hash);
		p->admin = true;   /* the domain's own controller */
	}
	return each_section(c, f, path, "principal ", principal_section);
}

/* A MAC address "aa:bb:cc:dd:ee:ff". */
static bool
mac_ok(const char *v)
{
	unsigned int b[6];
	char tail;

	return strlen(v) == 17 && sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
					 &b[3], &b[4], &b[5], &tail) == 6;
}

/* [peer DOMAIN]: how this SEP gateway reaches a federated domain. */
static int
peer_section(struct mgr_conf *c, const char *path, const char *section, const char *dn,
	     const struct rte_cfgfile_entry *ent, int n)
{
	struct mgr_capi_peer *p, *np;
	struct in_addr a;
	unsigned int x;
	int j;

	for (x = 0; x < c->capi.n_peers; x++)
		if (strcmp(c->capi.peers[x].domain, dn) == 0)
			break;
	if (!domain_ok(dn) || x < c->capi.n_peers) {
		fprintf(stderr, PROG ": %s: [%s]: '%s' is not a domain name (1-63 printable, no "
			"space or comma) or is used twice\n", path, section, dn);
		return -1;
	}
	np = realloc(c->capi.peers, (c->capi.n_peers + 1) * sizeof(*np));
	if (np == NULL)
		return -1;
	c->capi.peers = np;
	p = &np[c->capi.n_peers];
	memset(p, 0, sizeof(*p));
	snprintf(p->domain, sizeof(p->domain), "%s", dn);
	p->type = MGR_EP_VLAN;
	for (j = 0; j < n; j++) {
		const char *k = ent[j].name, *v = ent[j].value;

		if (strcmp(k, "port") == 0 && mgr_name_ok(v))
			snprintf(p->port, sizeof(p->port), "%s", v);
		else if (strcmp(k, "link_type") == 0 &&
			 (strcmp(v, "vlan") == 0 || strcmp(v, "gre") == 0))
			p->type = strcmp(v, "gre") == 0 ? MGR_EP_GRE : MGR_EP_VLAN;
		else if (strcmp(k, "remote") == 0 && inet_pton(AF_INET, v, &a) == 1)
			snprintf(p->remote, sizeof(p->remote), "%s", v);
		else if (strcmp(k, "local_address") == 0 && inet_pton(AF_INET, v, &a) == 1)
			snprintf(p->local_ip, sizeof(p->local_ip), "%s", v);
		else if (strcmp(k, "remote_mac") == 0 && mac_ok(v))
			snprintf(p->remote_mac, sizeof(p->remote_mac), "%s", v);
		else if (strcmp(k, "local_mac") == 0 && mac_ok(v))
			snprintf(p->local_mac, sizeof(p->local_mac), "%s", v);
		else {
			agw_cfg_bad(PROG, path, section, k, v,
				    "keys: port (a gw-core port), link_type = vlan|gre, remote, "
				    "local_address (IPv4), remote_mac, local_mac (aa:bb:cc:dd:ee:ff)");
			return -1;
		}
	}
	if (p->port[0] == '\0') {
		fprintf(stderr, PROG ": %s: [%s] needs port = (the gw-core port toward domain "
			"'%s')\n", path, section, dn);
		return -1;
	}
	c->capi.n_peers++;
	return 0;
}

const struct mgr_principal *
mgr_conf_principal(const struct mgr_conf *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->n_principals; i++)
		if (strcmp(c->principals[i].name, name) == 0)
			return &c->principals[i];
	return NULL;
}

void
mgr_conf_free(struct mgr_conf *c)
{
	if (c->principals != NULL)
		explicit_bzero(c->principals, c->n_principals * sizeof(*c->principals));
	free(c->principals);
	c->principals = NULL;
	c->n_principals = 0;
	free(c->capi.peers);
	c->capi.peers = NULL;
	c->capi.n_peers = 0;
}

int
mgr_conf_load(struct mgr_conf *c, const char *path)
{
	struct rte_cfgfile_entry *ent = NULL;
	struct rte_cfgfile *f;
	const char *ike;
	int n, i;

	defaults(c);
	f = rte_cfgfile_load(path, 0);
	if (f == NULL) {
		fprintf(stderr, PROG ": cannot read config %s (missing, unreadable, or not "
				     "INI: an empty value must be left out)\n", path);
		return -1;
	}
	if (!rte_cfgfile_has_section(f, "manager")) {
		fprintf(stderr, PROG ": %s has no [manager] section\n", path);
		goto fail;
	}
	ent = agw_cfg_section(f, "manager", &n);
	if (ent == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		const char *want = NULL;
		size_t k;

		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (strcmp(keys[k].name, ent[i].name) == 0)
				break;
		if (k == sizeof(keys) / sizeof(keys[0])) {
			fprintf(stderr, PROG ": %s: [manager] has no key '%s' (docs/configuration.md)\n",
				path, ent[i].name);
			goto fail;
		}
		if (keys[k].set(c, &keys[k], ent[i].value, &want) != 0) {
			agw_cfg_bad(PROG, path, "manager", ent[i].name, ent[i].value, want);
			goto fail;
		}
	}
	/* the launcher's key: charon runs beside us, and IPsec link vports are ours to
	 * configure in it */
	ike = rte_cfgfile_get_entry(f, "agw", "ike");
	if (ike != NULL && strcasecmp(ike, "yes") != 0 && strcasecmp(ike, "no") != 0) {
		fprintf(stderr, PROG ": %s: [agw] ike = '%s': expected yes or no\n", path, ike);
		goto fail;
	}
	c->charon.enabled = ike != NULL && strcasecmp(ike, "yes") == 0;
	if (c->password_hash[0] != '\0' && c->password_hash[0] != '$') {
		fprintf(stderr, PROG ": %s: [manager] password_hash is not a crypt(3) hash: put "
				     "the output of 'agw-manager --hash-password' there\n", path);
		goto fail;
	}
	if (load_principals(c, f, path) != 0 || load_nsliver(c, f, path) != 0 ||
	    each_section(c, f, path, "peer ", peer_section) != 0)
		goto fail;
	free(ent);
	ent = NULL;
	rte_cfgfile_close(f);
	f = NULL;
	if (c->n_principals == 0) {
		fprintf(stderr, PROG ": %s: nobody may call: set [manager] password_hash (the "
				     "output of 'agw-manager --hash-password') or add a [principal "
				     "NAME] section (docs/manager-api.md)\n", path);
		goto fail;
	}
	if (!mgr_name_ok(c->client)) {
		fprintf(stderr, PROG ": %s: [manager] client_name '%s' is not a name\n", path,
			c->client);
		goto fail;
	}
	if (c->tls && (c->tls_cert[0] == '\0' || c->tls_key[0] == '\0')) {
		fprintf(stderr, PROG ": %s: [manager] tls = yes (the default) needs tls_cert and "
				     "tls_key (docs/manager-api.md: making them with openssl req), or "
				     "tls = no with a loopback listen address\n", path);
		goto fail;
	}
	if (!c->tls && !loopback(c->listen)) {
		fprintf(stderr, PROG ": %s: [manager] tls = no is only allowed on a loopback "
				     "listen address (127.0.0.0/8, ::1), not %s: credentials would "
				     "cross the network in clear\n", path, c->listen);
		goto fail;
	}
	if (!c->tls && c->tls_client_ca[0] != '\0') {
		fprintf(stderr, PROG ": %s: [manager] tls_client_ca needs tls = yes\n", path);
		goto fail;
	}
	return 0;
fail:
	free(ent);
	if (f != NULL)
		rte_cfgfile_close(f);
	mgr_conf_free(c);
	return -1;
}

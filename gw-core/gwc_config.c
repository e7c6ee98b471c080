/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw-core configuration: an INI file read with DPDK's rte_cfgfile (';' starts a
 * comment). Sections: [eal], [gw-core], [pool], one [port NAME] per port, and
 * optional [slice NAME] sections with static slices. Every key is documented in
 * docs/configuration.md; unknown sections and keys are errors.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <rte_cfgfile.h>

#include "agw_cfg.h"
#include "gwc_ep_ops.h"
#include "gwc_model.h"

void
gwc_conf_defaults(struct gwc_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->role = GWC_ROLE_AGW;
	snprintf(c->control_socket, sizeof(c->control_socket), "/run/agw/gw-core.sock");
	c->burst = 32;
	c->drain_us = 100;
	c->idle_sleep_us = 0;
	c->mac_aging_ms = 300000;
	c->max_slices = 16384;
	c->max_endpoints = 65536;
	c->max_sas = 16384;
	c->mac_table_size = 4096;
	c->trailer_flows = 65536;
	c->trailer_flow_aging_ms = 120000;
	c->arp_retry_ms = 1000;
	c->arp_refresh_s = 60;
	c->sched_pipes = 1024;
	c->sched_queue = 64;
	c->sched_profiles = 256;
	c->pool_mbufs = 16383;
	c->pool_cache = 256;
	c->data_room = RTE_MBUF_DEFAULT_BUF_SIZE;
	snprintf(c->lcores, sizeof(c->lcores), "0-1");
	c->huge = PPM_HUGE_AUTO;
	c->memory_mb = 512;
	snprintf(c->file_prefix, sizeof(c->file_prefix), "gw-core");
}

static int
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s == '\0' || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
parse_ipv4_prefix(const char *s, uint32_t *ip, uint8_t *prefix)
{
	char buf[64], *slash;
	uint64_t p = 32;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash != NULL) {
		*slash = '\0';
		if (parse_u64(slash + 1, 0, 32, &p) != 0)
			return -EINVAL;
	}
	if (inet_pton(AF_INET, buf, ip) != 1)
		return -EINVAL;
	*prefix = (uint8_t)p;
	return 0;
}

/* ------------------------------------------------------------ the keys */

/* How a key's value is read. */
enum kind {
	K_STR,       /* a string into a char array */
	K_UINT,      /* an integer min..max into an unsigned field of 1, 2, 4 or 8 bytes */
	K_SEC_MS,    /* seconds min..max into a uint32_t field of milliseconds */
	K_FN,        /* by the key's own function */
};

/* A key's own reader: 0, or -EINVAL when 'v' is not a valid value. */
typedef int (*key_fn)(struct gwc_conf *c, struct gwc_port_conf *pc, const char *v);

static int
set_huge(struct gwc_conf *c, struct gwc_port_conf *pc, const char *v)
{
	RTE_SET_USED(pc);
	if (strcmp(v, "auto") == 0)
		c->huge = PPM_HUGE_AUTO;
	else if (strcmp(v, "yes") == 0)
		c->huge = PPM_HUGE_YES;
	else if (strcmp(v, "no") == 0)
		c->huge = PPM_HUGE_NO;
	else
		return -EINVAL;
	return 0;
}

static int
set_role(struct gwc_conf *c, struct gwc_port_conf *pc, const char *v)
{
	RTE_SET_USED(pc);
	if (strcmp(v, "agw") == 0)
		c->role = GWC_ROLE_AGW;
	else if (strcmp(v, "sep-gw") == 0)
		c->role = GWC_ROLE_SEP_GW;
	else
		return -EINVAL;
	return 0;
}

static int
set_crypto(struct gwc_conf *c, struct gwc_port_conf *pc, const char *v)
{
	RTE_SET_USED(pc);
	if (strcmp(v, "auto") == 0)
		v = "";
	if (strlen(v) >= sizeof(c->crypto_pmd))
		return -EINVAL;
	snprintf(c->crypto_pmd, sizeof(c->crypto_pmd), "%s", v);
	return 0;
}

static int
set_router_mac(struct gwc_conf *c, struct gwc_port_conf *pc, const char *v)
{
	RTE_SET_USED(pc);
	if (!gwc_mac_parse_unicast(v, &c->router_mac))
		return -EINVAL;
	c->has_router_mac = true;
	return 0;
}

static int
set_ipv4(struct gwc_conf *c, struct gwc_port_conf *pc, const char *v)
{
	RTE_SET_USED(c);
	if (parse_ipv4_prefix(v, &pc->ip, &pc->prefix) != 0)
		return -EINVAL;
	pc->has_ip = true;
	return 0;
}

static int
set_gateway(struct gwc_conf *c, struct gwc_port_conf *pc, const char *v)
{
	RTE_SET_USED(c);
	if (inet_pton(AF_INET, v, &pc->gateway) != 1)
		return -EINVAL;
	pc->has_gw = true;
	return 0;
}

static int
set_tap(struct gwc_conf *c, struct gwc_port_conf *pc, const char *v)
{
	RTE_SET_USED(c);
	if (strcmp(v, "none") == 0) {
		pc->no_tap = true;
		return 0;
	}
	if (strlen(v) >= sizeof(pc->tap))
		return -EINVAL;
	snprintf(pc->tap, sizeof(pc->tap), "%s", v);
	return 0;
}

static int
set_rate(struct gwc_conf *c, struct gwc_port_conf *pc, const char *v)
{
	uint64_t x;

	RTE_SET_USED(c);
	if (agw_parse_si(v, &x) != 0 || (x != 0 && x < GWC_POLICE_RATE_MIN) ||
	    x > GWC_RATE_MAX)
		return -EINVAL;
	pc->rate_bps = x;
	return 0;
}

/* One key: its section ("eal", "gw-core", "ipsec", "pool"; NULL: a [port NAME] section,
 * whose fields are of struct gwc_port_conf), how it is read, and where it goes. */
struct key {
	const char *sec;
	const char *name;
	enum kind kind;
	size_t off, size;          /* the field (K_STR, K_UINT, K_SEC_MS) */
	uint64_t min, max;         /* K_UINT, K_SEC_MS */
	key_fn fn;                 /* K_FN */
};

#define C(f) offsetof(struct gwc_conf, f), sizeof(((struct gwc_conf *)0)->f)
#define P(f) offsetof(struct gwc_port_conf, f), sizeof(((struct gwc_port_conf *)0)->f)

static const struct key keys[] = {
	{ "eal", "lcores", K_STR, C(lcores), 0, 0, NULL },
	{ "eal", "huge", K_FN, 0, 0, 0, 0, set_huge },
	{ "eal", "memory_mb", K_UINT, C(memory_mb), 64, 1u << 20, NULL },
	{ "eal", "file_prefix", K_STR, C(file_prefix), 0, 0, NULL },
	{ "eal", "args", K_STR, C(eal_args), 0, 0, NULL },
	{ "gw-core", "role", K_FN, 0, 0, 0, 0, set_role },
	{ "gw-core", "control_socket", K_STR, C(control_socket), 0, 0, NULL },
	{ "gw-core", "burst", K_UINT, C(burst), 1, PPM_TXBUF_MAX, NULL },
	{ "gw-core", "drain_us", K_UINT, C(drain_us), 0, 1000000, NULL },
	{ "gw-core", "idle_sleep_us", K_UINT, C(idle_sleep_us), 0, 100000, NULL },
	{ "gw-core", "mac_aging_s", K_SEC_MS, C(mac_aging_ms), 1, 86400, NULL },
	{ "gw-core", "mac_aging_ms", K_UINT, C(mac_aging_ms), 1, 86400000, NULL },
	{ "gw-core", "max_slices", K_UINT, C(max_slices), 1, GWC_SLICES_MAX, NULL },
	{ "gw-core", "max_endpoints", K_UINT, C(max_endpoints), 1, GWC_EPS_MAX, NULL },
	{ "gw-core", "max_sas", K_UINT, C(max_sas), 1, GWC_SAS_MAX, NULL },
	{ "gw-core", "mac_table_size", K_UINT, C(mac_table_size), 4, 1u << 22, NULL },
	{ "gw-core", "trailer_flows", K_UINT, C(trailer_flows), 4, 1u << 24, NULL },
	{ "gw-core", "trailer_flow_aging_s", K_SEC_MS, C(trailer_flow_aging_ms), 1, 86400, NULL },
	{ "gw-core", "trailer_flow_aging_ms", K_UINT, C(trailer_flow_aging_ms), 1, 86400000, NULL },
	{ "gw-core", "arp_retry_ms", K_UINT, C(arp_retry_ms), 10, 600000, NULL },
	{ "gw-core", "arp_refresh_s", K_UINT, C(arp_refresh_s), 1, 86400, NULL },
	{ "gw-core", "sched_pipes", K_UINT, C(sched_pipes), 1, 65536, NULL },
	{ "gw-core", "sched_queue", K_UINT, C(sched_queue), 4, 4096, NULL },
	{ "gw-core", "sched_profiles", K_UINT, C(sched_profiles), 1, 65536, NULL },
	{ "ipsec", "crypto", K_FN, 0, 0, 0, 0, set_crypto },
	{ "ipsec", "router_mac", K_FN, 0, 0, 0, 0, set_router_mac },
	{ "pool", "mbufs", K_UINT, C(pool_mbufs), 1023, 1u << 24, NULL },
	{ "pool", "cache", K_UINT, C(pool_cache), 0, 512, NULL },
	{ "pool", "data_room", K_UINT, C(data_room), RTE_PKTMBUF_HEADROOM + 256, 65535, NULL },
	{ NULL, "dev", K_STR, P(dev), 0, 0, NULL },
	{ NULL, "ipv4", K_FN, 0, 0, 0, 0, set_ipv4 },
	{ NULL, "gateway", K_FN, 0, 0, 0, 0, set_gateway },
	{ NULL, "tap", K_FN, 0, 0, 0, 0, set_tap },
	{ NULL, "rxd", K_UINT, P(rxd), 64, 16384, NULL },
	{ NULL, "txd", K_UINT, P(txd), 64, 16384, NULL },
	{ NULL, "mtu", K_UINT, P(mtu), 68, 9600, NULL },
	{ NULL, "rate", K_FN, 0, 0, 0, 0, set_rate },
};

/* Store 'x' into the unsigned field of 'size' bytes at 'p'. */
static void
store_uint(void *p, size_t size, uint64_t x)
{
	uint8_t u8 = (uint8_t)x;
	uint16_t u16 = (uint16_t)x;
	uint32_t u32 = (uint32_t)x;

	switch (size) {
	case 1: memcpy(p, &u8, 1); break;
	case 2: memcpy(p, &u16, 2); break;
	case 4: memcpy(p, &u32, 4); break;
	default: memcpy(p, &x, sizeof(x)); break;
	}
}

/* "neighbour IP = MAC" of a [port NAME] section (a static outer neighbour). */
static int
set_neighbour(struct gwc_port_conf *pc, const char *sec, const char *k, const char *v,
	      struct gwc_err *e)
{
	unsigned int i = pc->n_neigh;

	if (i == GWC_PORT_NEIGH_MAX) {
		gwc_errf(e, "[%s]: more than %d static neighbours", sec, GWC_PORT_NEIGH_MAX);
		return -EINVAL;
	}
	if (inet_pton(AF_INET, k + 10, &pc->neigh[i].ip) != 1) {
		gwc_errf(e, "[%s] %s: '%s' is not an IPv4 address", sec, k, k + 10);
		return -EINVAL;
	}
	if (!gwc_mac_parse_unicast(v, &pc->neigh[i].mac)) {
		gwc_errf(e, "[%s] %s = '%s': not a valid value (docs/configuration.md)", sec, k, v);
		return -EINVAL;
	}
	pc->n_neigh++;
	return 0;
}

/* One key of one section ('pc': the port of a [port NAME] section, else NULL): set it in
 * 'c' or fail with a message naming the section, the key and what is wrong. */
static int
set_key(struct gwc_conf *c, const char *sec, struct gwc_port_conf *pc, const char *k,
	const char *v, struct gwc_err *e)
{
	const struct key *key = NULL;
	uint64_t x;
	size_t i;
	char *base;

	if (pc != NULL && strncmp(k, "neighbour ", 10) == 0)
		return set_neighbour(pc, sec, k, v, e);
	for (i = 0; i < RTE_DIM(keys) && key == NULL; i++)
		if (strcmp(keys[i].name, k) == 0 &&
		    (pc != NULL ? keys[i].sec == NULL
				: keys[i].sec != NULL && strcmp(keys[i].sec, sec) == 0))
			key = &keys[i];
	if (key == NULL) {
		gwc_errf(e, "[%s]: unknown key '%s' (see docs/configuration.md)", sec, k);
		return -EINVAL;
	}
	base = pc != NULL ? (char *)pc : (char *)c;
	switch (key->kind) {
	case K_STR:
		if (strlen(v) >= key->size) {
			gwc_errf(e, "[%s] %s: value too long", sec, k);
			return -EINVAL;
		}
		snprintf(base + key->off, key->size, "%s", v);
		return 0;
	case K_UINT:
	case K_SEC_MS:
		if (parse_u64(v, key->min, key->max, &x) != 0) {
			gwc_errf(e, "[%s] %s = '%s': not a number in the allowed range "
				    "(docs/configuration.md)", sec, k, v);
			return -EINVAL;
		}
		store_uint(base + key->off, key->size, key->kind == K_SEC_MS ? x * 1000 : x);
		return 0;
	case K_FN:
		if (key->fn(c, pc, v) == 0)
			return 0;
		break;
	}
	gwc_errf(e, "[%s] %s = '%s': not a valid value (docs/configuration.md)", sec, k, v);
	return -EINVAL;
}

int
gwc_conf_load(struct gwc_conf *c, const char *path, struct gwc_err *e)
{
	struct rte_cfgfile *cfg;
	int n, i, j, rc = 0;

	gwc_conf_defaults(c);
	cfg = rte_cfgfile_load(path, 0);
	if (cfg == NULL) {
		gwc_errf(e, "%s: cannot read it (missing, unreadable or not INI)", path);
		return -ENOENT;
	}
	n = rte_cfgfile_num_sections(cfg, NULL, 0);
	for (i = 0; i < n && rc == 0; i++) {
		char sec[CFG_NAME_LEN];
		struct rte_cfgfile_entry *ent;
		struct gwc_port_conf *pc = NULL;
		int ne;

		ent = agw_cfg_section_at(cfg, i, sec, &ne);
		if (ent == NULL) {
			gwc_errf(e, "%s: section %d unreadable (out of memory?)", path, i);
			rc = -ENOMEM;
			break;
		}
		if (strncmp(sec, "slice ", 6) == 0) {
			free(ent);
			continue;   /* applied later by gwc_conf_apply_slices() */
		}
		if (strncmp(sec, "port ", 5) == 0) {
			const char *pname = sec + 5;

			if (c->n_ports == GWC_MAX_PORTS) {
				gwc_errf(e, "%s: more than %d ports", path, GWC_MAX_PORTS);
				rc = -EINVAL;
				free(ent);
				break;
			}
			if (*pname == '\0' || strlen(pname) >= PPM_NAME_MAX ||
			    strchr(pname, ' ') != NULL) {
				gwc_errf(e, "%s: [%s]: a port name is one word of at most %d "
					    "characters", path, sec, PPM_NAME_MAX - 1);
				rc = -EINVAL;
				free(ent);
				break;
			}
			for (j = 0; j < c->n_ports; j++)
				if (strcmp(c->port[j].name, pname) == 0) {
					gwc_errf(e, "%s: port '%s' defined twice", path, pname);
					rc = -EINVAL;
				}
			pc = &c->port[c->n_ports++];
			snprintf(pc->name, sizeof(pc->name), "%s", pname);
		} else if (strcmp(sec, "eal") != 0 && strcmp(sec, "gw-core") != 0 &&
			   strcmp(sec, "pool") != 0 && strcmp(sec, "ipsec") != 0) {
			gwc_errf(e, "%s: unknown section [%s] (eal, gw-core, pool, ipsec, port NAME, "
				    "slice NAME)", path, sec);
			rc = -EINVAL;
			free(ent);
			break;
		}
		for (j = 0; j < ne && rc == 0; j++) {
			rc = set_key(c, sec, pc, ent[j].name, ent[j].value, e);
			if (rc != 0)
				gwc_err_prefix(e, "%s", path);
		}
		if (rc == 0 && pc != NULL && pc->dev[0] == '\0') {
			gwc_errf(e, "%s: [%s] needs dev = (a PCI address or a vdev such as "
				    "net_af_packet0,iface=eth1)", path, sec);
			rc = -EINVAL;
		}
		free(ent);
	}
	if (rc != 0) {
		rte_cfgfile_close(cfg);
		return rc;
	}
	c->cfgfile = cfg;
	return 0;
}

void
gwc_conf_free(struct gwc_conf *c)
{
	if (c->cfgfile != NULL)
		rte_cfgfile_close(c->cfgfile);
	c->cfgfile = NULL;
}

/*
 * "vlan port=access vid=10" -> {"type": "vlan", "port": "access", "vid": "10", "name": NAME}:
 * the same JSON the control socket takes, so both go through one validation.
 */
static struct json_object *
ep_line_to_json(const char *name, const char *line)
{
	struct json_object *o = json_object_new_object();
	char buf[CFG_VALUE_LEN], *save = NULL, *tok;
	bool first = true;

	snprintf(buf, sizeof(buf), "%s", line);
	json_object_object_add(o, "name", json_object_new_string(name));
	for (tok = strtok_r(buf, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '=');

		if (first && eq == NULL) {
			json_object_object_add(o, "type", json_object_new_string(tok));
		} else if (eq != NULL) {
			*eq = '\0';
			json_object_object_add(o, tok, json_object_new_string(eq + 1));
		}
		first = false;
	}
	return o;
}

int
gwc_conf_apply_slices(struct gwc *g, const struct gwc_conf *c, struct gwc_err *e)
{
	struct rte_cfgfile *cfg = c->cfgfile;
	int n, i, j;

	if (cfg == NULL)
		return 0;
	n = rte_cfgfile_num_sections(cfg, NULL, 0);
	for (i = 0; i < n; i++) {
		char sec[CFG_NAME_LEN];
		struct rte_cfgfile_entry *ent;
		const char *slice;
		int ne, rc;

		ent = agw_cfg_section_at(cfg, i, sec, &ne);
		if (ent == NULL) {
			gwc_errf(e, "section %d unreadable (out of memory?)", i);
			return -ENOMEM;
		}
		if (strncmp(sec, "slice ", 6) != 0) {
			free(ent);
			continue;
		}
		slice = sec + 6;
		rc = gwc_slice_add(g, GWC_OWNER_CONFIG, slice, e);
		if (rc < 0) {
			free(ent);
			return rc;
		}
		for (j = 0; j < ne; j++) {
			struct gwc_ep_conf epc;
			struct json_object *o;

			if (strncmp(ent[j].name, "endpoint ", 9) == 0) {
				o = ep_line_to_json(ent[j].name + 9, ent[j].value);
				rc = gwc_ep_conf_from_json(&epc, o, e);
				json_object_put(o);
				if (rc == 0)
					rc = gwc_ep_add(g, GWC_OWNER_CONFIG, slice, &epc, e);
			} else if (strncmp(ent[j].name, "mac ", 4) == 0) {
				struct rte_ether_addr mac;

				rc = rte_ether_unformat_addr(ent[j].name + 4, &mac);
				if (rc != 0)
					gwc_errf(e, "'%s' is not a MAC address", ent[j].name + 4);
				else
					rc = gwc_mac_add_static(g, GWC_OWNER_CONFIG, slice, &mac,
								ent[j].value, e);
			} else {
				gwc_errf(e, "unknown key '%s' (endpoint NAME = ..., mac MAC = "
					    "ENDPOINT)", ent[j].name);
				rc = -EINVAL;
			}
			if (rc < 0) {
				gwc_err_prefix(e, "[%s]", sec);
				gwc_slice_del(g, GWC_OWNER_CONFIG, slice, NULL);
				free(ent);
				return rc;
			}
		}
		free(ent);
	}
	return 0;
}

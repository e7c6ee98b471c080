/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw-core configuration: an INI file read with DPDK's rte_cfgfile (';' starts a
 * comment). Sections: [eal], [gw-core], [pool], one [port NAME] per port, and
 * optional [slice NAME] sections with static slices. Every key is documented in
 * README.md; unknown sections and keys are errors.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <rte_cfgfile.h>

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
	c->mac_table_size = 4096;
	c->trailer_flows = 65536;
	c->trailer_flow_aging_ms = 120000;
	c->arp_retry_ms = 1000;
	c->arp_refresh_s = 60;
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

/* One key of one section: set it in 'c' or fail with a message. */
static int
set_key(struct gwc_conf *c, const char *sec, struct gwc_port_conf *pc, const char *k,
	const char *v, struct gwc_err *e)
{
	uint64_t x;

#define U(field, min, max)                                                         \
	do {                                                                       \
		if (parse_u64(v, min, max, &x) != 0)                               \
			goto bad_range;                                            \
		field = (__typeof__(field))x;                                      \
		return 0;                                                          \
	} while (0)
#define S(field)                                                                   \
	do {                                                                       \
		if (strlen(v) >= sizeof(field))                                    \
			goto too_long;                                             \
		snprintf(field, sizeof(field), "%s", v);                           \
		return 0;                                                          \
	} while (0)

	if (strcmp(sec, "eal") == 0) {
		if (strcmp(k, "lcores") == 0)
			S(c->lcores);
		if (strcmp(k, "huge") == 0) {
			if (strcmp(v, "auto") == 0)
				c->huge = PPM_HUGE_AUTO;
			else if (strcmp(v, "yes") == 0)
				c->huge = PPM_HUGE_YES;
			else if (strcmp(v, "no") == 0)
				c->huge = PPM_HUGE_NO;
			else
				goto bad_value;
			return 0;
		}
		if (strcmp(k, "memory_mb") == 0)
			U(c->memory_mb, 64, 1u << 20);
		if (strcmp(k, "file_prefix") == 0)
			S(c->file_prefix);
		if (strcmp(k, "args") == 0)
			S(c->eal_args);
	} else if (strcmp(sec, "gw-core") == 0) {
		if (strcmp(k, "role") == 0) {
			if (strcmp(v, "agw") == 0)
				c->role = GWC_ROLE_AGW;
			else if (strcmp(v, "sep-gw") == 0)
				c->role = GWC_ROLE_SEP_GW;
			else
				goto bad_value;
			return 0;
		}
		if (strcmp(k, "control_socket") == 0)
			S(c->control_socket);
		if (strcmp(k, "burst") == 0)
			U(c->burst, 1, PPM_TXBUF_MAX);
		if (strcmp(k, "drain_us") == 0)
			U(c->drain_us, 0, 1000000);
		if (strcmp(k, "idle_sleep_us") == 0)
			U(c->idle_sleep_us, 0, 100000);
		if (strcmp(k, "mac_aging_s") == 0) {
			if (parse_u64(v, 1, 86400, &x) != 0)
				goto bad_range;
			c->mac_aging_ms = (uint32_t)x * 1000;
			return 0;
		}
		if (strcmp(k, "mac_aging_ms") == 0)
			U(c->mac_aging_ms, 1, 86400000);
		if (strcmp(k, "mac_table_size") == 0)
			U(c->mac_table_size, 4, 1u << 22);
		if (strcmp(k, "trailer_flows") == 0)
			U(c->trailer_flows, 4, 1u << 24);
		if (strcmp(k, "trailer_flow_aging_s") == 0) {
			if (parse_u64(v, 1, 86400, &x) != 0)
				goto bad_range;
			c->trailer_flow_aging_ms = (uint32_t)x * 1000;
			return 0;
		}
		if (strcmp(k, "trailer_flow_aging_ms") == 0)
			U(c->trailer_flow_aging_ms, 1, 86400000);
		if (strcmp(k, "arp_retry_ms") == 0)
			U(c->arp_retry_ms, 10, 600000);
		if (strcmp(k, "arp_refresh_s") == 0)
			U(c->arp_refresh_s, 1, 86400);
	} else if (strcmp(sec, "ipsec") == 0) {
		if (strcmp(k, "crypto") == 0) {
			if (strcmp(v, "auto") == 0)
				v = "";
			S(c->crypto_pmd);
		}
		if (strcmp(k, "router_mac") == 0) {
			if (!gwc_mac_parse_unicast(v, &c->router_mac))
				goto bad_value;
			c->has_router_mac = true;
			return 0;
		}
	} else if (strcmp(sec, "pool") == 0) {
		if (strcmp(k, "mbufs") == 0)
			U(c->pool_mbufs, 1023, 1u << 24);
		if (strcmp(k, "cache") == 0)
			U(c->pool_cache, 0, 512);
		if (strcmp(k, "data_room") == 0)
			U(c->data_room, RTE_PKTMBUF_HEADROOM + 256, 65535);
	} else if (pc != NULL) {
		if (strcmp(k, "dev") == 0)
			S(pc->dev);
		if (strcmp(k, "ipv4") == 0) {
			if (parse_ipv4_prefix(v, &pc->ip, &pc->prefix) != 0)
				goto bad_value;
			pc->has_ip = true;
			return 0;
		}
		if (strcmp(k, "gateway") == 0) {
			if (inet_pton(AF_INET, v, &pc->gateway) != 1)
				goto bad_value;
			pc->has_gw = true;
			return 0;
		}
		if (strncmp(k, "neighbour ", 10) == 0) {
			unsigned int i = pc->n_neigh;

			if (i == GWC_PORT_NEIGH_MAX) {
				gwc_errf(e, "[%s]: more than %d static neighbours", sec,
					 GWC_PORT_NEIGH_MAX);
				return -EINVAL;
			}
			if (inet_pton(AF_INET, k + 10, &pc->neigh[i].ip) != 1) {
				gwc_errf(e, "[%s] %s: '%s' is not an IPv4 address", sec, k, k + 10);
				return -EINVAL;
			}
			if (!gwc_mac_parse_unicast(v, &pc->neigh[i].mac))
				goto bad_value;
			pc->n_neigh++;
			return 0;
		}
		if (strcmp(k, "tap") == 0) {
			if (strcmp(v, "none") == 0) {
				pc->no_tap = true;
				return 0;
			}
			S(pc->tap);
		}
		if (strcmp(k, "rxd") == 0)
			U(pc->rxd, 64, 16384);
		if (strcmp(k, "txd") == 0)
			U(pc->txd, 64, 16384);
		if (strcmp(k, "mtu") == 0)
			U(pc->mtu, 68, 9600);
	}
	gwc_errf(e, "[%s]: unknown key '%s' (see the config reference in README.md)", sec, k);
	return -EINVAL;
bad_range:
	gwc_errf(e, "[%s] %s = '%s': not a number in the allowed range (README.md)", sec, k, v);
	return -EINVAL;
bad_value:
	gwc_errf(e, "[%s] %s = '%s': not a valid value (README.md)", sec, k, v);
	return -EINVAL;
too_long:
	gwc_errf(e, "[%s] %s: value too long", sec, k);
	return -EINVAL;
#undef U
#undef S
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
		struct rte_cfgfile_entry ent[64];
		struct gwc_port_conf *pc = NULL;
		int ne;

		ne = rte_cfgfile_section_entries_by_index(cfg, i, sec, ent, RTE_DIM(ent));
		if (ne < 0) {
			gwc_errf(e, "%s: section %d unreadable or with over 64 keys", path, i);
			rc = -EINVAL;
			break;
		}
		if (strncmp(sec, "slice ", 6) == 0)
			continue;   /* applied later by gwc_conf_apply_slices() */
		if (strncmp(sec, "port ", 5) == 0) {
			const char *pname = sec + 5;

			if (c->n_ports == GWC_MAX_PORTS) {
				gwc_errf(e, "%s: more than %d ports", path, GWC_MAX_PORTS);
				rc = -EINVAL;
				break;
			}
			if (*pname == '\0' || strlen(pname) >= PPM_NAME_MAX ||
			    strchr(pname, ' ') != NULL) {
				gwc_errf(e, "%s: [%s]: a port name is one word of at most %d "
					    "characters", path, sec, PPM_NAME_MAX - 1);
				rc = -EINVAL;
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
		struct rte_cfgfile_entry ent[64];
		const char *slice;
		int ne, rc;

		ne = rte_cfgfile_section_entries_by_index(cfg, i, sec, ent, RTE_DIM(ent));
		if (ne < 0 || strncmp(sec, "slice ", 6) != 0)
			continue;
		slice = sec + 6;
		rc = gwc_slice_add(g, GWC_OWNER_CONFIG, slice, e);
		if (rc < 0)
			return rc;
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
				return rc;
			}
		}
	}
	return 0;
}

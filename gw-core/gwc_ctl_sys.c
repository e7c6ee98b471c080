/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control socket operations about the connection and gw-core as a whole: hello, ping,
 * status, owner.flush (gwc_ctl.h). Control thread.
 */
#define _GNU_SOURCE   /* cpu_set_t: a worker's CPUs (rte_lcore_cpuset()) */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "gwc_ctl.h"
#include "gwc_json.h"
#include "gwc_model.h"
#include "gwc_sched.h"

static int
op_hello(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	 struct gwc_err *e)
{
	const char *name;
	int rc = gwc_arg_str(args, "client", &name, e);

	if (rc != 0)
		return rc;
	if (name[0] == '\0' || strlen(name) >= sizeof(c->owner)) {
		gwc_errf(e, "client name must be 1 to %d characters", GWC_NAME_MAX - 1);
		return -EINVAL;
	}
	snprintf(c->owner, sizeof(c->owner), "%s", name);
	*res = json_object_new_object();
	agw_json_add_str(*res, "version", GWC_VERSION);
	agw_json_add_str(*res, "role", g->conf.role == GWC_ROLE_SEP_GW ? "sep-gw" : "agw");
	agw_json_add_str(*res, "client", c->owner);
	return 0;
}

static int
op_ping(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	struct gwc_err *e)
{
	RTE_SET_USED(c);
	RTE_SET_USED(args);
	RTE_SET_USED(e);
	*res = json_object_new_object();
	agw_json_add_str(*res, "version", GWC_VERSION);
	agw_json_add_u64(*res, "tables_version", g->version);
	return 0;
}

/* {"used": 'used', "max": 'max'} */
static struct json_object *
use_json(uint64_t used, uint64_t max)
{
	struct json_object *o = json_object_new_object();

	agw_json_add_u64(o, "used", used);
	agw_json_add_u64(o, "max", max);
	return o;
}

/* What is held against each limit that refuses the next one (docs/configuration.md),
 * so that an operator sees the headroom before a request is refused. */
static struct json_object *
limits_json(const struct gwc *g)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "slices", use_json(g->n_slices, g->conf.max_slices));
	json_object_object_add(o, "endpoints", use_json(g->n_eps, g->conf.max_endpoints));
	json_object_object_add(o, "sas", use_json(g->n_sas, g->conf.max_sas));
	json_object_object_add(o, "ipsec_selectors_32",
			       use_json(g->l3_routes != NULL ? rte_hash_count(g->l3_routes) : 0,
					gwc_ipsec_routes_max(g)));
	json_object_object_add(o, "ipsec_selectors_short",
			       use_json(g->n_l3_rules, GWC_MAX_L3_RULES));
	agw_json_add_u64(o, "mac_table_size", g->conf.mac_table_size);
	agw_json_add_u64(o, "trailer_flows", g->conf.trailer_flows);
	return o;
}

static int
op_status(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	  struct gwc_err *e)
{
	struct json_object *ports = json_object_new_array(), *wk = json_object_new_array();
	unsigned int p, w, n_sl = 0, n_ep = 0, i;
	char buf[64];

	RTE_SET_USED(c);
	RTE_SET_USED(args);
	RTE_SET_USED(e);
	for (p = 0; p < g->dp.n_ports; p++) {
		const struct gwc_port_conf *pc = &g->conf.port[p];
		struct json_object *o;
		struct rte_eth_stats st;
		struct rte_eth_link link;

		if (pc->name[0] == '\0')   /* a free slot of an added port */
			continue;
		o = json_object_new_object();
		agw_json_add_str(o, "name", pc->name);
		agw_json_add_str(o, "dev", pc->dev);
		if (gwc_port_is_hotplug(g, (int)p))
			agw_json_add_str(o, "owner", g->port_owner[p]);
		agw_json_add_u64(o, "ethdev", g->port[p].port_id);
		rte_ether_format_addr(buf, sizeof(buf), &g->port[p].mac);
		agw_json_add_str(o, "mac", buf);
		agw_json_add_u64(o, "mtu", g->port[p].mtu);
		if (pc->has_ip) {
			char ip[INET_ADDRSTRLEN];

			snprintf(buf, sizeof(buf), "%s/%u", gwc_ip_str(pc->ip, ip), pc->prefix);
			agw_json_add_str(o, "ipv4", buf);
		}
		if (g->tap[p].started)
			agw_json_add_str(o, "tap", g->tap[p].name);
		if (pc->n_neigh > 0) {
			struct json_object *nb = json_object_new_object();
			char ip[INET_ADDRSTRLEN];

			for (i = 0; i < pc->n_neigh; i++) {
				rte_ether_format_addr(buf, sizeof(buf), &pc->neigh[i].mac);
				agw_json_add_str(nb, gwc_ip_str(pc->neigh[i].ip, ip), buf);
			}
			json_object_object_add(o, "static_neighbours", nb);
		}
		if (g->sched[p] != NULL) {
			const struct gwc_sched *sc = g->sched[p];
			struct json_object *so = json_object_new_object();

			agw_json_add_u64(so, "pipes", sc->n_pipes);
			agw_json_add_u64(so, "pipes_used", sc->n_pipes_used);
			agw_json_add_u64(so, "profiles", sc->n_profiles);
			agw_json_add_u64(so, "max_profiles", sc->max_profiles);
			agw_json_add_u64(so, "owner_worker", sc->owner);
			agw_json_add_u64(so, "errors", sc->cmd_errors);
			json_object_object_add(o, "sched", so);
		}
		agw_json_add_u64(o, "rate", g->conf.port[p].rate_bps);
		if (rte_eth_link_get_nowait(g->port[p].port_id, &link) == 0)
			json_object_object_add(o, "link_up",
					       json_object_new_boolean(link.link_status != 0));
		if (rte_eth_stats_get(g->port[p].port_id, &st) == 0) {
			agw_json_add_u64(o, "rx_pkts", st.ipackets);
			agw_json_add_u64(o, "rx_bytes", st.ibytes);
			agw_json_add_u64(o, "rx_missed", st.imissed);
			agw_json_add_u64(o, "rx_errors", st.ierrors);
			agw_json_add_u64(o, "rx_nombuf", st.rx_nombuf);
			agw_json_add_u64(o, "tx_pkts", st.opackets);
			agw_json_add_u64(o, "tx_bytes", st.obytes);
			agw_json_add_u64(o, "tx_errors", st.oerrors);
		}
		json_object_array_add(ports, o);
	}
	for (w = 0; w < g->dp.n_workers; w++) {
		struct json_object *o = json_object_new_object();

		rte_cpuset_t cs = rte_lcore_cpuset(g->worker[w].lcore_id);
		struct json_object *cpus = json_object_new_array();
		unsigned int cpu;

		agw_json_add_u64(o, "lcore", g->worker[w].lcore_id);
		/* the CPUs it may run on: a node sliver's dedicated cores keep off them */
		for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
			if (CPU_ISSET(cpu, &cs))
				json_object_array_add(cpus, json_object_new_int((int)cpu));
		json_object_object_add(o, "cpus", cpus);
		agw_json_add_u64(o, "rx_queues", g->worker[w].nb_rxq);
		agw_json_add_u64(o, "loops", g->worker[w].loops);
		agw_json_add_u64(o, "busy_loops", g->worker[w].busy_loops);
		json_object_array_add(wk, o);
	}
	n_sl = g->n_slices;
	n_ep = g->n_eps;
	*res = json_object_new_object();
	agw_json_add_str(*res, "version", GWC_VERSION);
	agw_json_add_str(*res, "role", g->conf.role == GWC_ROLE_SEP_GW ? "sep-gw" : "agw");
	json_object_object_add(*res, "hugepages", json_object_new_boolean(ppm_eal_uses_hugepages()));
	agw_json_add_u64(*res, "tsc_hz", rte_get_tsc_hz());
	agw_json_add_u64(*res, "tables_version", g->version);
	agw_json_add_u64(*res, "slices", n_sl);
	agw_json_add_u64(*res, "endpoints", n_ep);
	json_object_object_add(*res, "limits", limits_json(g));
	agw_json_add_u64(*res, "pool_free", rte_mempool_avail_count(g->pool));
	rte_ether_format_addr(buf, sizeof(buf), gwc_l3_mac(g));
	agw_json_add_str(*res, "router_mac", buf);
	json_object_object_add(*res, "ports", ports);
	json_object_object_add(*res, "workers", wk);
	return 0;
}

static int
op_port_rate(struct gwc *g, struct gwc_client *c, struct json_object *args,
	     struct json_object **res, struct gwc_err *e)
{
	const char *port;
	uint64_t bps = 0;
	bool have;
	int rc;

	RTE_SET_USED(c);
	RTE_SET_USED(res);
	if ((rc = gwc_arg_str(args, "port", &port, e)) != 0 ||
	    (rc = gwc_arg_uint(args, "rate", UINT64_MAX, &bps, &have, e)) != 0)
		return rc;
	if (!have) {
		gwc_errf(e, "port.rate: 'rate' (bits/s; 0: none) is required");
		return -EINVAL;
	}
	return gwc_port_rate_set(g, port, bps, e);
}

static int
op_port_add(struct gwc *g, struct gwc_client *c, struct json_object *args,
	    struct json_object **res, struct gwc_err *e)
{
	const char *name, *dev;
	uint64_t mtu = 0;
	bool have;
	int rc;

	if ((rc = gwc_arg_str(args, "name", &name, e)) != 0 ||
	    (rc = gwc_arg_str(args, "dev", &dev, e)) != 0 ||
	    (rc = gwc_arg_uint(args, "mtu", UINT16_MAX, &mtu, &have, e)) != 0)
		return rc;
	rc = gwc_port_add(g, c->owner, name, dev, (uint16_t)mtu, e);
	if (rc < 0)
		return rc;
	*res = json_object_new_object();
	agw_json_add_str(*res, "name", name);
	agw_json_add_u64(*res, "index", (uint64_t)rc);
	agw_json_add_u64(*res, "ethdev", g->port[rc].port_id);
	agw_json_add_str(*res, "dev", g->conf.port[rc].dev);
	return 0;
}

static int
op_port_del(struct gwc *g, struct gwc_client *c, struct json_object *args,
	    struct json_object **res, struct gwc_err *e)
{
	const char *name;
	int rc;

	RTE_SET_USED(res);
	if ((rc = gwc_arg_str(args, "name", &name, e)) != 0)
		return rc;
	return gwc_port_del(g, c->owner, name, e);
}

static int
op_owner_flush(struct gwc *g, struct gwc_client *c, struct json_object *args,
	       struct json_object **res, struct gwc_err *e)
{
	RTE_SET_USED(args);
	RTE_SET_USED(e);
	*res = json_object_new_object();
	agw_json_add_u64(*res, "removed", (uint64_t)gwc_owner_flush(g, c->owner));
	return 0;
}

const struct gwc_ctl_op gwc_ctl_sys_ops[] = {
	{ "hello", op_hello, "client=NAME: name this connection; it owns what it creates", false },
	{ "ping", op_ping, "liveness and tables version", false },
	{ "status", op_status, "role, ports with ethdev counters, workers", false },
	{ "port.rate", op_port_rate, "port= rate=BITS/S: the port's rate for shaped and weighted "
	  "endpoints (0: none; refused while they use it)", false },
	{ "port.add", op_port_add, "name= dev=DEVARGS [mtu=]: a node sliver's port while running "
				   "(net_vhost, net_memif, net_af_packet, net_af_xdp, net_tap)", false },
	{ "port.del", op_port_del, "name=: remove a port port.add added (owner only)", false },
	{ "owner.flush", op_owner_flush, "remove everything this client owns", false },
	{ NULL, NULL, NULL, false },
};

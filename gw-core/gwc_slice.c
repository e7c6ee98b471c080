/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Slices and their endpoints, control thread side: each request is validated in full
 * (the endpoint's type checks its own fields, gwc_ep_ops.h), the model changed, and the
 * tables published at once; a failure anywhere changes nothing. Also static MACs and
 * the flush of everything one owner made.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>

#include "gwc_ep_ops.h"
#include "gwc_flow.h"
#include "gwc_mac.h"
#include "gwc_model.h"
#include "gwc_sched.h"

int
gwc_slice_add(struct gwc *g, const char *owner, const char *name, struct gwc_err *e)
{
	struct gwc_slice_stats base;
	int i, rc;

	if (!gwc_name_ok(name)) {
		gwc_errf(e, "slice name '%s': 1 to %d printable characters, no spaces or quotes",
			 name, GWC_NAME_MAX - 1);
		return -EINVAL;
	}
	if (gwc_slice_find(g, name) >= 0) {
		gwc_errf(e, "slice '%s' already exists", name);
		return -EEXIST;
	}
	i = (int)gwc_bm_next_free(g->slice_used, g->conf.max_slices);
	if (i == (int)g->conf.max_slices) {
		gwc_errf(e, "slice '%s': all %u slices in use ([gw-core] max_slices)", name,
			 g->conf.max_slices);
		return -ENOSPC;
	}
	/* small, grown by gwc_mac_poll() as it fills: memory follows the MACs */
	g->slice[i].mac = gwc_mac_create(RTE_MIN((uint32_t)GWC_MAC_START, g->conf.mac_table_size),
					 rte_get_tsc_hz() / 1000 * g->conf.mac_aging_ms);
	if (g->slice[i].mac == NULL) {
		gwc_errf(e, "slice '%s': out of memory for its MAC table", name);
		return -ENOMEM;
	}
	gwc_slice_stats_get(g, i, &base);   /* model entry unused: raw sums */
	g->slice[i].base = base;
	g->slice[i].learned_checked = 0;
	snprintf(g->slice[i].name, sizeof(g->slice[i].name), "%s", name);
	snprintf(g->slice[i].owner, sizeof(g->slice[i].owner), "%s", owner);
	gwc_slice_link(g, i);
	rc = gwc_tables_publish_changes(g);
	if (rc != 0) {
		gwc_slice_unlink(g, i);
		gwc_mac_destroy(g->slice[i].mac);
		g->slice[i].mac = NULL;
		gwc_errf(e, "slice '%s': out of memory for tables", name);
		return rc;
	}
	GWC_LOG(INFO, "slice %s: added by %s", name, owner);
	return i;
}

int
gwc_slice_del(struct gwc *g, const char *owner, const char *name, struct gwc_err *e)
{
	struct gwc_mac_table *mac;
	int s = gwc_slice_owned(g, owner, name, e);
	uint32_t i, next, eps;

	if (s < 0)
		return s;
	/* the slice's endpoints, kept in order to put back or release */
	eps = g->slice[s].first_ep;
	for (i = eps; i != GWC_EP_NONE; i = g->ep[i].next)
		gwc_ep_unlink(g, (int)i);   /* keeps 'next': the list stays walkable */
	gwc_slice_unlink(g, s);
	mac = g->slice[s].mac;
	g->slice[s].mac = NULL;
	gwc_neigh_ep_removed(g);
	if (gwc_tables_publish_changes(g) != 0) {
		/* Cannot build the smaller table: keep the slice rather than lose its MACs. */
		gwc_slice_link(g, s);
		for (i = eps; i != GWC_EP_NONE; i = next) {
			next = g->ep[i].next;
			gwc_ep_link(g, (int)i);
		}
		g->slice[s].mac = mac;
		gwc_errf(e, "slice '%s': out of memory for tables", name);
		return -ENOMEM;
	}
	gwc_mac_destroy(mac);   /* after the grace period of the publication */
	for (i = eps; i != GWC_EP_NONE; i = g->ep[i].next)
		gwc_sched_ep_release(g, &g->ep[i].ep);
	gwc_l3_slice_gone(g, (uint16_t)s);
	GWC_LOG(INFO, "slice %s: removed by %s", name, owner);
	return 0;
}

/*
 * Give slice 's' a MAC table 4 times the size (at most mac_table_size) with the same
 * entries, published; the old one is freed after the grace period. @return 0, -ENOSPC
 * (already at mac_table_size), -ENOMEM (nothing changed).
 */
static int
mac_grow(struct gwc *g, int s)
{
	struct gwc_mac_table *old = g->slice[s].mac, *t;
	uint32_t n = gwc_mac_entries(old);

	if (n >= g->conf.mac_table_size)
		return -ENOSPC;
	t = gwc_mac_resize(old, RTE_MIN(4 * n, g->conf.mac_table_size), rte_get_tsc_cycles());
	if (t == NULL)
		return -ENOMEM;
	g->slice[s].mac = t;
	g->mac_entries_max = RTE_MAX(g->mac_entries_max, gwc_mac_entries(t));
	gwc_tables_slice_changed(g, s);
	if (gwc_tables_publish_changes(g) != 0) {
		g->slice[s].mac = old;
		gwc_mac_destroy(t);
		return -ENOMEM;
	}
	gwc_mac_destroy(old);   /* after the grace period of the publication */
	GWC_LOG(DEBUG, "slice %s: MAC table grown from %u to %u entries", g->slice[s].name, n,
		gwc_mac_entries(t));
	return 0;
}

int
gwc_ep_add(struct gwc *g, const char *owner, const char *slice, const struct gwc_ep_conf *conf,
	   struct gwc_err *e)
{
	int s = gwc_slice_find(g, slice), port, id, rc;
	uint32_t gen;
	const struct gwc_ep_ops *ops = gwc_ep_ops_of(conf->type);
	struct gwc_ep_conf lc = *conf;
	const struct gwc_ep_conf *c = &lc;
	struct gwc_ep_m *m;

	if (s < 0) {
		gwc_errf(e, "no slice '%s'", slice);
		return -ENOENT;
	}
	if (ops == NULL) {
		gwc_errf(e, "endpoint '%s': unknown type", c->name);
		return -EINVAL;
	}
	if (ops->prepare != NULL && (rc = ops->prepare(g, s, &lc, e)) != 0)
		return rc;
	port = gwc_port_find(g, c->port);
	if (port < 0) {
		gwc_errf(e, "endpoint '%s': no port '%s' (ports come from the [port NAME] sections "
			    "of the config)", c->name, c->port);
		return -ENOENT;
	}
	rc = gwc_ep_validate(g, s, port, c, e);
	if (rc != 0)
		return rc;
	/* Round-robin ids: a removed endpoint's id comes back as late as possible. */
	id = (int)gwc_bm_next_free_from(g->ep_used, g->conf.max_endpoints, g->next_ep);
	if (id == (int)g->conf.max_endpoints) {
		gwc_errf(e, "endpoint '%s': all %u endpoints in use ([gw-core] max_endpoints)",
			 c->name, g->conf.max_endpoints);
		return -ENOSPC;
	}
	m = &g->ep[id];
	gen = m->ep.gen + 1;   /* the id's next endpoint: earlier flows do not match it */
	memset(m, 0, sizeof(*m));
	m->first_sa = GWC_SA_NONE;
	m->ep.gen = gen;
	m->ep.conf = *c;
	m->ep.slice = (uint16_t)s;
	m->ep.port = (uint16_t)port;
	m->ep.type = (uint8_t)c->type;
	m->ep.id = (uint32_t)id;
	gwc_ep_police_apply(g, &m->ep);
	gwc_sched_ep_apply(g, &m->ep);   /* its pipe is configured before frames reach it */
	snprintf(m->ep.owner, sizeof(m->ep.owner), "%s", owner);
	gwc_ep_stats_get(g, id, &m->base);   /* raw sums while unused */
	gwc_ep_link(g, id);
	gwc_mac_forget_ep(g->slice[s].mac, (uint32_t)id);
	gwc_neigh_ep_added(g, id);
	rc = gwc_tables_publish_changes(g);
	if (rc != 0) {
		gwc_ep_unlink(g, id);
		gwc_sched_ep_release(g, &m->ep);
		gwc_neigh_ep_removed(g);
		gwc_errf(e, "endpoint '%s': out of memory for tables", c->name);
		return rc;
	}
	g->next_ep = (uint32_t)(id + 1) % g->conf.max_endpoints;
	GWC_LOG(INFO, "slice %s: endpoint %s (id %d) added by %s", slice, c->name, id, owner);
	return id;
}

int
gwc_ep_del(struct gwc *g, const char *owner, const char *slice, const char *name,
	   struct gwc_err *e)
{
	int id = gwc_ep_owned(g, owner, slice, name, true, e), s, rc;

	if (id < 0)
		return id;
	s = g->ep[id].ep.slice;
	gwc_ep_unlink(g, id);
	gwc_neigh_ep_removed(g);
	rc = gwc_tables_publish_changes(g);
	if (rc != 0) {
		gwc_ep_link(g, id);
		gwc_errf(e, "endpoint '%s': out of memory for tables", name);
		return rc;
	}
	gwc_sched_ep_release(g, &g->ep[id].ep);
	gwc_mac_forget_ep(g->slice[s].mac, (uint32_t)id);
	GWC_LOG(INFO, "slice %s: endpoint %s removed by %s", slice, name, owner);
	return 0;
}

int
gwc_ep_police_set(struct gwc *g, const char *owner, const char *slice, const char *name,
		  uint64_t bps, uint32_t burst, struct gwc_err *e)
{
	int id = gwc_ep_owned(g, owner, slice, name, true, e), rc;
	struct gwc_ep_conf want;
	struct gwc_ep old;

	if (id < 0)
		return id;
	want = g->ep[id].ep.conf;   /* policing excludes shaping: checked on the whole */
	want.police_bps = bps;
	want.police_burst = burst;
	rc = gwc_ep_police_check(name, bps, burst, e);
	if (rc == 0)
		rc = gwc_sched_ep_check(g, g->ep[id].ep.port, &want, id, e);
	if (rc != 0)
		return rc;
	old = g->ep[id].ep;
	g->ep[id].ep.conf.police_bps = bps;
	g->ep[id].ep.conf.police_burst = burst;
	gwc_ep_police_apply(g, &g->ep[id].ep);
	gwc_tables_ep_changed(g, id);
	rc = gwc_tables_publish_changes(g);
	if (rc != 0) {
		g->ep[id].ep = old;
		gwc_errf(e, "endpoint '%s': out of memory for tables", name);
		return rc;
	}
	GWC_LOG(INFO, "slice %s: endpoint %s policed at %llu bits/s, burst %u bytes, by %s",
		slice, name, (unsigned long long)bps, (unsigned int)g->ep[id].ep.police.cbs,
		owner);
	return 0;
}

int
gwc_ep_shape_set(struct gwc *g, const char *owner, const char *slice, const char *name,
		 uint64_t shape_bps, uint32_t shape_burst, uint64_t wfq_bps, struct gwc_err *e)
{
	int id = gwc_ep_owned(g, owner, slice, name, true, e), rc;
	struct gwc_ep *ep, old;

	if (id < 0)
		return id;
	ep = &g->ep[id].ep;
	old = *ep;
	ep->conf.shape_bps = shape_bps;
	ep->conf.shape_burst = shape_burst;
	ep->conf.wfq_bps = wfq_bps;
	rc = gwc_sched_ep_check(g, ep->port, &ep->conf, id, e);
	if (rc != 0) {
		*ep = old;
		return rc;
	}
	gwc_sched_ep_apply(g, ep);   /* posted before the tables: the pipe is ready first */
	gwc_tables_ep_changed(g, id);
	rc = gwc_tables_publish_changes(g);
	if (rc != 0) {
		/* the workers keep the old tables; the pipe follows the old contract again */
		ep->conf = old.conf;
		gwc_sched_ep_apply(g, ep);
		gwc_errf(e, "endpoint '%s': out of memory for tables", name);
		return rc;
	}
	GWC_LOG(INFO, "slice %s: endpoint %s %s at %llu bits/s by %s", slice, name,
		shape_bps != 0 ? "shaped" : wfq_bps != 0 ? "weighted" : "unscheduled",
		(unsigned long long)(shape_bps != 0 ? shape_bps : wfq_bps), owner);
	return 0;
}

int
gwc_mac_add_static(struct gwc *g, const char *owner, const char *slice,
		   const struct rte_ether_addr *mac, const char *ep, struct gwc_err *e)
{
	const struct gwc_ep_ops *ops;
	int s = gwc_slice_owned(g, owner, slice, e), id;

	if (s < 0)
		return s;
	id = gwc_ep_find(g, s, ep);
	if (id < 0) {
		gwc_errf(e, "slice '%s' has no endpoint '%s'", slice, ep);
		return -ENOENT;
	}
	/* Only a type with a bridged output stage can be a frame's destination by MAC. */
	ops = gwc_ep_ops_of(g->ep[id].ep.conf.type);
	if (!ops->bridged) {
		gwc_errf(e, "endpoint '%s' of slice '%s' is an %s endpoint: it takes only frames "
			    "the slice routes to it, never bridged ones; point the MAC at an "
			    "endpoint of a bridged type", ep, slice, ops->name);
		return -EINVAL;
	}
	if (!rte_is_unicast_ether_addr(mac) || rte_is_zero_ether_addr(mac)) {
		gwc_errf(e, "a static MAC must be unicast and not zero");
		return -EINVAL;
	}
	while (gwc_mac_set_static(g->slice[s].mac, mac, (uint32_t)id) != 0) {
		int rc = mac_grow(g, s);

		if (rc == -ENOSPC) {
			gwc_errf(e, "slice '%s': MAC table bucket full of static entries (the table "
				    "is at [gw-core] mac_table_size, %u)", slice,
				 gwc_mac_entries(g->slice[s].mac));
			return -ENOSPC;
		}
		if (rc != 0) {
			gwc_errf(e, "slice '%s': out of memory for a larger MAC table", slice);
			return rc;
		}
	}
	return 0;
}

uint32_t
gwc_slice_mac_entries(const struct gwc *g, int idx)
{
	if (idx < 0 || (uint32_t)idx >= g->conf.max_slices || !g->slice[idx].used)
		return 0;
	return gwc_mac_entries(g->slice[idx].mac);
}

void
gwc_mac_poll(struct gwc *g)
{
	uint64_t now = rte_get_tsc_cycles();
	unsigned int s;

	if (now - g->last_mac_tsc < rte_get_tsc_hz() / 1000 * GWC_MAC_POLL_MS)
		return;
	g->last_mac_tsc = now;
	GWC_SLICE_FOREACH(g, s) {
		const struct gwc_mac_table *t = g->slice[s].mac;
		uint32_t n = gwc_mac_entries(t);
		struct gwc_slice_stats st;

		if (n >= g->conf.mac_table_size)
			continue;
		gwc_slice_stats_get(g, (int)s, &st);
		if (st.learned - g->slice[s].learned_checked < n / 4)
			continue;
		if (st.learned - g->slice[s].learned_checked < n && gwc_mac_count(t, now) <= n / 2) {
			g->slice[s].learned_checked = st.learned;
			continue;
		}
		g->slice[s].learned_checked = st.learned;
		if (mac_grow(g, (int)s) == -ENOMEM)
			GWC_LOG(WARNING, "slice %s: no memory for a MAC table larger than %u",
				g->slice[s].name, n);
	}
}

int
gwc_owner_flush(struct gwc *g, const char *owner)
{
	unsigned int i;
	int n = 0;

	GWC_SLICE_FOREACH(g, i)
		if (strcmp(g->slice[i].owner, owner) == 0 &&
		    gwc_slice_del(g, owner, g->slice[i].name, NULL) == 0)
			n++;
	GWC_EP_FOREACH(g, i)
		if (strcmp(g->ep[i].ep.owner, owner) == 0 &&
		    gwc_ep_del(g, owner, g->slice[g->ep[i].ep.slice].name, g->ep[i].ep.conf.name,
			       NULL) == 0)
			n++;
	for (i = 0; i < GWC_MAX_TRL_KEYS; i++)
		if (g->term[i].used && strcmp(g->term[i].owner, owner) == 0 &&
		    gwc_trl_key_del(g, owner, g->term[i].terminal, NULL) == 0)
			n++;
	for (i = 0; i < g->dp.n_ports; i++)
		if (gwc_port_is_hotplug(g, (int)i) && strcmp(g->port_owner[i], owner) == 0 &&
		    gwc_port_del(g, owner, g->conf.port[i].name, &(struct gwc_err){ "" }) == 0)
			n++;
	return n;
}

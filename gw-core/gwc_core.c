/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw-core life cycle and the control thread's model: ports, TAPs, rings and
 * workers at creation; slices, endpoints and static MACs added and removed on
 * request (validated completely, then published at once); counters summed over
 * the lcores.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "gwc_priv.h"
#include "trl_auth.h"

RTE_LOG_REGISTER(gwc_logtype, agw.gwc, INFO);

static const char *const drop_names[] = {
#define _(n, d) #n,
#include "gwc_drop.def"
#undef _
};

static const char *const drop_descs[] = {
#define _(n, d) d,
#include "gwc_drop.def"
#undef _
};

const char *
gwc_drop_name(enum gwc_drop r)
{
	static char lower[GWC_DROP_MAX][32];
	size_t i;

	if ((unsigned int)r >= GWC_DROP_MAX)
		return "?";
	if (lower[r][0] == '\0') {
		for (i = 0; drop_names[r][i] != '\0' && i < sizeof(lower[r]) - 1; i++)
			lower[r][i] = (char)tolower((unsigned char)drop_names[r][i]);
		lower[r][i] = '\0';
	}
	return lower[r];
}

const char *
gwc_drop_desc(enum gwc_drop r)
{
	return (unsigned int)r < GWC_DROP_MAX ? drop_descs[r] : "?";
}

void
gwc_errf(struct gwc_err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void
gwc_err_prefix(struct gwc_err *e, const char *fmt, ...)
{
	char pre[GWC_ERR_MAX], old[GWC_ERR_MAX];
	va_list ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	gwc_errf(e, "%s: %s", pre, old);
}

/* ------------------------------------------------------------ life cycle */

struct gwc *
gwc_create(const struct gwc_conf *c, struct gwc_err *e)
{
	unsigned int lcore, w = 0, p;
	char name[RTE_RING_NAMESIZE];
	struct gwc *g;

	g = rte_zmalloc("gwc", sizeof(*g), RTE_CACHE_LINE_SIZE);
	if (g == NULL) {
		gwc_errf(e, "out of memory for gw-core state");
		return NULL;
	}
	g->conf = *c;
	g->conf.cfgfile = NULL;
	g->listen_fd = -1;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (w == GWC_MAX_WORKERS)
			break;
		g->worker[w++].lcore_id = lcore;
	}
	g->n_workers = w;
	if (g->n_workers == 0) {
		gwc_errf(e, "no worker lcore: [eal] lcores = '%s' names one lcore; give at least "
			    "two (the first is the control thread), e.g. 0-1", c->lcores);
		goto fail;
	}

	g->pool = ppm_pool_create("gwc_pool", c->pool_mbufs, c->pool_cache, c->data_room);
	if (g->pool == NULL) {
		gwc_errf(e, "mbuf pool of %u mbufs: %s (lower [pool] mbufs or raise [eal] memory_mb)",
			 c->pool_mbufs, rte_strerror(rte_errno));
		goto fail;
	}
	g->qsbr = ppm_rcu_create(g->n_workers);
	g->exc = rte_ring_create("gwc_exc", 1024, (int)rte_socket_id(), RING_F_SC_DEQ);
	if (g->qsbr == NULL || g->exc == NULL) {
		gwc_errf(e, "out of memory for rings");
		goto fail;
	}
	g->flows = gwc_flow_create(c->trailer_flows,
				   rte_get_tsc_hz() / 1000 * c->trailer_flow_aging_ms);
	if (g->flows == NULL) {
		gwc_errf(e, "out of memory for %u trailer flows (lower [gw-core] trailer_flows)",
			 c->trailer_flows);
		goto fail;
	}

	for (p = 0; p < c->n_ports; p++) {
		const struct gwc_port_conf *pc = &c->port[p];
		struct ppm_port_conf ppc = {
			.name = pc->name, .dev = pc->dev, .nb_rxq = (uint16_t)g->n_workers,
			.nb_txq = (uint16_t)g->n_workers, .rxd = pc->rxd, .txd = pc->txd,
			.mtu = pc->mtu, .pool = g->pool, .promisc = true,
		};
		int rc = ppm_port_open(&g->port[p], &ppc);

		if (rc != 0) {
			gwc_errf(e, "port %s (%s): %s", pc->name, pc->dev,
				 rc == -ENOTSUP ? "too few tx queues for the workers (see the log)" :
						  rte_strerror(-rc));
			goto fail;
		}
		g->n_ports++;
		if (pc->has_ip && !pc->no_tap) {
			char tap[16];

			if (pc->tap[0] != '\0')
				snprintf(tap, sizeof(tap), "%s", pc->tap);
			else
				snprintf(tap, sizeof(tap), "gwc-%.11s", pc->name);
			rc = ppm_tap_open(&g->tap[p], tap, &g->port[p].mac, g->pool);
			if (rc == 0)
				rc = ppm_if_set_ipv4(tap, pc->ip, pc->prefix);
			if (rc != 0) {
				gwc_errf(e, "port %s: exception TAP %s: %s (set tap = none to run "
					    "without one)", pc->name, tap, rte_strerror(-rc));
				goto fail;
			}
		}
	}

	for (w = 0; w < g->n_workers; w++) {
		struct ppm_worker *wk = &g->worker[w];
		struct gwc_lcore *lc;

		lc = rte_zmalloc_socket("gwc_lcore", sizeof(*lc), RTE_CACHE_LINE_SIZE,
					(int)rte_lcore_to_socket_id(wk->lcore_id));
		snprintf(name, sizeof(name), "gwc_inj%u", w);
		if (lc != NULL)
			lc->inject = rte_ring_create(name, 512, (int)rte_socket_id(),
						     RING_F_SP_ENQ | RING_F_SC_DEQ);
		/* ESP for the SAs this worker decrypts, from the others (gwc_worker.c) */
		snprintf(name, sizeof(name), "gwc_ho%u", w);
		if (lc != NULL && lc->inject != NULL && g->n_workers > 1)
			lc->handoff = rte_ring_create(name, GWC_HANDOFF_RING, (int)rte_socket_id(),
						      RING_F_SC_DEQ);
		if (lc == NULL || lc->inject == NULL || (g->n_workers > 1 && lc->handoff == NULL)) {
			if (lc != NULL)
				rte_ring_free(lc->inject);
			rte_free(lc);
			gwc_errf(e, "out of memory for worker %u", w);
			goto fail;
		}
		g->lc[w] = lc;
		lc->g = g;
		lc->index = w;
		lc->pool = g->pool;
		for (p = 0; p < g->n_ports; p++) {
			ppm_txbuf_init(&lc->tx[p], g->port[p].port_id, (uint16_t)w, 32,
				       &lc->drops[GWC_DROP_TX_FULL]);
			if (w < g->port[p].nb_rxq && wk->nb_rxq < PPM_MAX_RXQ) {
				struct ppm_rxq *q = &wk->rxq[wk->nb_rxq++];

				q->port_id = g->port[p].port_id;
				q->queue_id = (uint16_t)w;
				q->port_idx = (uint16_t)p;
			}
		}
		wk->thread_id = w;
		wk->burst = c->burst;
		wk->drain_tsc = rte_get_tsc_hz() / 1000000 * c->drain_us;
		wk->idle_sleep_us = c->idle_sleep_us;
		wk->qsbr = g->qsbr;
		wk->burst_fn = gwc_worker_burst;
		wk->drain_fn = gwc_worker_drain;
		wk->ctx = lc;
	}

	if (gwc_ipsec_init(g, e) != 0)
		goto fail;
	if (gwc_tables_publish(g) != 0) {
		gwc_errf(e, "out of memory for tables");
		goto fail;
	}
	GWC_LOG(INFO, "gw-core (%s) created: %u ports, %u workers",
		c->role == GWC_ROLE_SEP_GW ? "sep-gw" : "agw", g->n_ports, g->n_workers);
	return g;
fail:
	gwc_destroy(g);
	return NULL;
}

int
gwc_start(struct gwc *g)
{
	unsigned int w;
	int rc;

	for (w = 0; w < g->n_workers; w++) {
		rc = ppm_worker_launch(&g->worker[w]);
		if (rc != 0) {
			gwc_stop(g);
			return rc;
		}
	}
	g->running = true;
	return 0;
}

void
gwc_stop(struct gwc *g)
{
	unsigned int w;

	for (w = 0; w < g->n_workers; w++)
		ppm_worker_stop(&g->worker[w]);
	g->running = false;
}

static void
free_ring_mbufs(struct rte_ring *r)
{
	void *m;

	while (r != NULL && rte_ring_dequeue(r, &m) == 0)
		rte_pktmbuf_free(m);
}

void
gwc_destroy(struct gwc *g)
{
	unsigned int i;

	if (g == NULL)
		return;
	gwc_stop(g);
	gwc_ctl_close(g);
	for (i = 0; i < g->n_workers; i++) {
		unsigned int k;

		if (g->lc[i] == NULL)
			continue;
		for (k = 0; k < GWC_MAX_TRL_KEYS; k++)
			trl_key_free(g->lc[i]->trl_key[k]);
		free_ring_mbufs(g->lc[i]->inject);
		rte_ring_free(g->lc[i]->inject);
		rte_ring_free(g->lc[i]->handoff);
		rte_free(g->lc[i]);
	}
	free_ring_mbufs(g->exc);
	rte_ring_free(g->exc);
	for (i = 0; i < GWC_MAX_PORTS; i++) {
		ppm_port_close(&g->port[i]);
		ppm_port_close(&g->tap[i]);
	}
	gwc_tables_free(g->tables);
	gwc_ipsec_fini(g);
	for (i = 0; i < GWC_MAX_SLICES; i++)
		gwc_mac_destroy(g->slice[i].mac);
	rte_free(g->flows);
	rte_free(g->qsbr);
	rte_mempool_free(g->pool);
	rte_free(g);
}

/* ------------------------------------------------------------ model */

static bool
name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= GWC_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] == '"' || s[i] == '\\' || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

int
gwc_slice_find(const struct gwc *g, const char *name)
{
	int i;

	for (i = 0; i < GWC_MAX_SLICES; i++)
		if (g->slice[i].used && strcmp(g->slice[i].name, name) == 0)
			return i;
	return -ENOENT;
}

int
gwc_ep_find(const struct gwc *g, int slice, const char *name)
{
	int i;

	for (i = 0; i < GWC_MAX_EPS; i++)
		if (g->ep[i].used && g->ep[i].ep.slice == slice &&
		    strcmp(g->ep[i].ep.conf.name, name) == 0)
			return i;
	return -ENOENT;
}

static int
port_find(const struct gwc *g, const char *name)
{
	int i;

	for (i = 0; i < g->n_ports; i++)
		if (strcmp(g->conf.port[i].name, name) == 0)
			return i;
	return -ENOENT;
}

int
gwc_slice_add(struct gwc *g, const char *owner, const char *name, struct gwc_err *e)
{
	struct gwc_slice_stats base;
	int i, rc;

	if (!name_ok(name)) {
		gwc_errf(e, "slice name '%s': 1 to %d printable characters, no spaces or quotes",
			 name, GWC_NAME_MAX - 1);
		return -EINVAL;
	}
	if (gwc_slice_find(g, name) >= 0) {
		gwc_errf(e, "slice '%s' already exists", name);
		return -EEXIST;
	}
	for (i = 0; i < GWC_MAX_SLICES && g->slice[i].used; i++)
		;
	if (i == GWC_MAX_SLICES) {
		gwc_errf(e, "slice '%s': all %d slices in use", name, GWC_MAX_SLICES);
		return -ENOSPC;
	}
	g->slice[i].mac = gwc_mac_create(g->conf.mac_table_size,
					 rte_get_tsc_hz() / 1000 * g->conf.mac_aging_ms);
	if (g->slice[i].mac == NULL) {
		gwc_errf(e, "slice '%s': out of memory for its MAC table", name);
		return -ENOMEM;
	}
	gwc_slice_stats_get(g, i, &base);   /* model entry unused: raw sums */
	g->slice[i].base = base;
	snprintf(g->slice[i].name, sizeof(g->slice[i].name), "%s", name);
	snprintf(g->slice[i].owner, sizeof(g->slice[i].owner), "%s", owner);
	g->slice[i].used = true;
	rc = gwc_tables_publish(g);
	if (rc != 0) {
		g->slice[i].used = false;
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
	int s = gwc_slice_find(g, name), i;

	if (s < 0) {
		gwc_errf(e, "no slice '%s'", name);
		return -ENOENT;
	}
	if (strcmp(g->slice[s].owner, owner) != 0) {
		gwc_errf(e, "slice '%s' belongs to '%s', not '%s'", name, g->slice[s].owner, owner);
		return -EPERM;
	}
	for (i = 0; i < GWC_MAX_EPS; i++)
		if (g->ep[i].used && g->ep[i].ep.slice == s)
			g->ep[i].used = false;
	g->slice[s].used = false;
	mac = g->slice[s].mac;
	g->slice[s].mac = NULL;
	gwc_neigh_sync(g);
	if (gwc_tables_publish(g) != 0) {
		/* Cannot build the smaller table: keep the slice rather than lose its MACs. */
		g->slice[s].used = true;
		g->slice[s].mac = mac;
		gwc_errf(e, "slice '%s': out of memory for tables", name);
		return -ENOMEM;
	}
	gwc_mac_destroy(mac);   /* after the grace period of the publication */
	gwc_ipsec_slice_gone(g, (uint16_t)s);
	GWC_LOG(INFO, "slice %s: removed by %s", name, owner);
	return 0;
}

static int
ep_validate(const struct gwc *g, int s, int port, const struct gwc_ep_conf *c, struct gwc_err *e)
{
	int i, n_trl;

	if (!name_ok(c->name)) {
		gwc_errf(e, "endpoint name '%s': 1 to %d printable characters, no spaces or quotes",
			 c->name, GWC_NAME_MAX - 1);
		return -EINVAL;
	}
	if (gwc_ep_find(g, s, c->name) >= 0) {
		gwc_errf(e, "slice '%s' already has an endpoint '%s'", g->slice[s].name, c->name);
		return -EEXIST;
	}
	switch (c->type) {
	case GWC_EP_VLAN:
		if (c->vid < 1 || c->vid > 4094) {
			gwc_errf(e, "endpoint '%s': VID %u outside 1..4094", c->name, c->vid);
			return -EINVAL;
		}
		break;
	case GWC_EP_GRE:
		if (!g->conf.port[port].has_ip) {
			gwc_errf(e, "endpoint '%s': port '%s' has no IPv4 address; GRE needs one "
				    "(set ipv4 = in its [port] section)", c->name, c->port);
			return -EINVAL;
		}
		if (c->remote == 0 || c->remote == 0xffffffff ||
		    (rte_be_to_cpu_32(c->remote) >> 28) == 0xe) {
			gwc_errf(e, "endpoint '%s': remote address must be a unicast IPv4 address",
				 c->name);
			return -EINVAL;
		}
		break;
	case GWC_EP_PORT:
		break;
	case GWC_EP_IPSEC:
		if (!g->conf.port[port].has_ip) {
			gwc_errf(e, "endpoint '%s': port '%s' has no IPv4 address; IPsec terminals "
				    "reach the AGW at it (set ipv4 = in its [port] section)", c->name,
				 c->port);
			return -EINVAL;
		}
		if (c->n_ts_remote == 0 || c->n_ts_remote > GWC_MAX_TS ||
		    c->n_ts_local > GWC_MAX_TS) {
			gwc_errf(e, "endpoint '%s': an ipsec endpoint needs 1 to %d remote traffic "
				    "selectors (the terminal's addresses) and at most %d local ones",
				 c->name, GWC_MAX_TS, GWC_MAX_TS);
			return -EINVAL;
		}
		for (i = 0; i < c->n_ts_remote + c->n_ts_local; i++) {
			const struct gwc_prefix *p = i < c->n_ts_remote
				? &c->ts_remote[i] : &c->ts_local[i - c->n_ts_remote];
			if (p->len > 32 || (p->addr & ~gwc_prefix_mask(p->len)) != 0) {
				gwc_errf(e, "endpoint '%s': traffic selector prefix /%u has host bits "
					    "set or a bad length", c->name, p->len);
				return -EINVAL;
			}
		}
		/* The slice routes each address to one terminal. */
		for (i = 0; i < GWC_MAX_EPS; i++) {
			const struct gwc_ep_conf *o = &g->ep[i].ep.conf;
			int a, b;

			if (!g->ep[i].used || g->ep[i].ep.slice != s || o->type != GWC_EP_IPSEC)
				continue;
			for (a = 0; a < c->n_ts_remote; a++)
				for (b = 0; b < o->n_ts_remote; b++)
					if (c->ts_remote[a].len == o->ts_remote[b].len &&
					    c->ts_remote[a].addr == o->ts_remote[b].addr) {
						char t[INET_ADDRSTRLEN];

						gwc_errf(e, "endpoint '%s': %s/%u is already routed "
							    "to endpoint '%s' of slice '%s'",
							 c->name,
							 inet_ntop(AF_INET, &c->ts_remote[a].addr,
								   t, sizeof(t)),
							 c->ts_remote[a].len, o->name,
							 g->slice[s].name);
						return -EADDRINUSE;
					}
		}
		break;
	case GWC_EP_TRAILER:
		if (c->trl_app_lo == 0 || c->trl_app_hi < c->trl_app_lo) {
			gwc_errf(e, "endpoint '%s': app ID range %u-%u: IDs from 1, low <= high",
				 c->name, c->trl_app_lo, c->trl_app_hi);
			return -EINVAL;
		}
		if (c->trl_reappend && (c->trl_terminal == 0 || c->trl_app_lo != c->trl_app_hi)) {
			gwc_errf(e, "endpoint '%s': reappend needs one terminal and one app (the "
				    "trailer written toward the terminal); got terminal %u, apps "
				    "%u-%u", c->name, c->trl_terminal, c->trl_app_lo, c->trl_app_hi);
			return -EINVAL;
		}
		break;
	default:
		gwc_errf(e, "endpoint '%s': unknown type", c->name);
		return -EINVAL;
	}
	for (i = 0, n_trl = 0; i < GWC_MAX_EPS; i++) {
		const struct gwc_ep *o = &g->ep[i].ep;

		if (!g->ep[i].used || o->port != port || o->type != c->type)
			continue;
		if (c->type == GWC_EP_PORT) {
			gwc_errf(e, "endpoint '%s': port '%s' is already the untagged endpoint '%s' "
				    "of slice '%s'", c->name, c->port, o->conf.name,
				 g->slice[o->slice].name);
			return -EADDRINUSE;
		}
		if (c->type == GWC_EP_VLAN && o->conf.vid == c->vid) {
			gwc_errf(e, "endpoint '%s': VID %u on port '%s' is already used by "
				    "endpoint '%s' of slice '%s'", c->name, c->vid, c->port,
				 o->conf.name, g->slice[o->slice].name);
			return -EADDRINUSE;
		}
		if (c->type == GWC_EP_GRE && o->conf.remote == c->remote &&
		    o->conf.has_key == c->has_key && (!c->has_key || o->conf.key == c->key)) {
			char ip[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &c->remote, ip, sizeof(ip));
			gwc_errf(e, "endpoint '%s': GRE remote %s key %s%u on port '%s' is already "
				    "used by endpoint '%s' of slice '%s'", c->name, ip,
				 c->has_key ? "" : "none ", c->has_key ? c->key : 0, c->port,
				 o->conf.name, g->slice[o->slice].name);
			return -EADDRINUSE;
		}
		if (c->type == GWC_EP_TRAILER) {
			if (++n_trl >= GWC_MAX_TRL_RULES) {
				gwc_errf(e, "endpoint '%s': port '%s' already has %d trailer "
					    "endpoints", c->name, c->port, GWC_MAX_TRL_RULES);
				return -ENOSPC;
			}
			if (o->conf.trl_terminal == c->trl_terminal &&
			    o->conf.trl_app_lo <= c->trl_app_hi &&
			    c->trl_app_lo <= o->conf.trl_app_hi) {
				gwc_errf(e, "endpoint '%s': apps %u-%u of terminal %u%s on port "
					    "'%s' overlap endpoint '%s' of slice '%s' (apps %u-%u)",
					 c->name, c->trl_app_lo, c->trl_app_hi, c->trl_terminal,
					 c->trl_terminal ? "" : " (any)", c->port, o->conf.name,
					 g->slice[o->slice].name, o->conf.trl_app_lo,
					 o->conf.trl_app_hi);
				return -EADDRINUSE;
			}
		}
	}
	return 0;
}

/*
 * An IPsec terminal joining through the slice's link sliver 'c->link': take the link's
 * port, slice-side addresses and (when 'c' has none) local selectors; its addresses
 * must come from the link's (the slice's address pool).
 */
static int
ep_from_link(const struct gwc *g, int s, struct gwc_ep_conf *c, struct gwc_err *e)
{
	const struct gwc_ep_conf *l;
	int id = gwc_ep_find(g, s, c->link), i, k;

	if (id < 0 || g->ep[id].ep.conf.type != GWC_EP_IPSEC) {
		gwc_errf(e, "endpoint '%s': link '%s' is not an ipsec endpoint of slice '%s'",
			 c->name, c->link, g->slice[s].name);
		return -ENOENT;
	}
	l = &g->ep[id].ep.conf;
	if (c->port[0] != '\0' && strcmp(c->port, l->port) != 0) {
		gwc_errf(e, "endpoint '%s': port '%s' differs from its link's port '%s'",
			 c->name, c->port, l->port);
		return -EINVAL;
	}
	snprintf(c->port, sizeof(c->port), "%s", l->port);
	c->l3_addr = l->l3_addr;
	c->l3_gateway = l->l3_gateway;
	c->has_gw_mac = l->has_gw_mac;
	c->gw_mac = l->gw_mac;
	if (c->n_ts_local == 0) {
		c->n_ts_local = l->n_ts_local;
		memcpy(c->ts_local, l->ts_local, sizeof(c->ts_local));
	}
	for (i = 0; i < c->n_ts_remote; i++) {
		const struct gwc_prefix *p = &c->ts_remote[i];

		for (k = 0; k < l->n_ts_remote; k++)
			if (p->len >= l->ts_remote[k].len && p->len <= 32 &&
			    gwc_prefix_match(&l->ts_remote[k], 1, p->addr))
				break;
		if (k == l->n_ts_remote) {
			char a[INET_ADDRSTRLEN];

			gwc_errf(e, "endpoint '%s': traffic selector %s/%u is outside the "
				    "addresses of its link '%s'", c->name,
				 inet_ntop(AF_INET, &p->addr, a, sizeof(a)), p->len, c->link);
			return -EACCES;
		}
	}
	return 0;
}

int
gwc_ep_add(struct gwc *g, const char *owner, const char *slice, const struct gwc_ep_conf *conf,
	   struct gwc_err *e)
{
	int s = gwc_slice_find(g, slice), port, id, i, rc;
	struct gwc_ep_conf lc = *conf;
	const struct gwc_ep_conf *c = &lc;
	struct gwc_ep_m *m;

	if (s < 0) {
		gwc_errf(e, "no slice '%s'", slice);
		return -ENOENT;
	}
	if (lc.type == GWC_EP_IPSEC && lc.link[0] != '\0' &&
	    (rc = ep_from_link(g, s, &lc, e)) != 0)
		return rc;
	port = port_find(g, c->port);
	if (port < 0) {
		gwc_errf(e, "endpoint '%s': no port '%s' (ports come from the [port NAME] sections "
			    "of the config)", c->name, c->port);
		return -ENOENT;
	}
	rc = ep_validate(g, s, port, c, e);
	if (rc != 0)
		return rc;
	/* Round-robin ids: a removed endpoint's id comes back as late as possible. */
	for (i = 0, id = -1; i < GWC_MAX_EPS; i++) {
		int cand = (g->next_ep + i) % GWC_MAX_EPS;

		if (!g->ep[cand].used) {
			id = cand;
			break;
		}
	}
	if (id < 0) {
		gwc_errf(e, "endpoint '%s': all %d endpoints in use", c->name, GWC_MAX_EPS);
		return -ENOSPC;
	}
	m = &g->ep[id];
	memset(m, 0, sizeof(*m));
	m->ep.conf = *c;
	m->ep.slice = (uint16_t)s;
	m->ep.port = (uint16_t)port;
	m->ep.type = (uint8_t)c->type;
	snprintf(m->ep.owner, sizeof(m->ep.owner), "%s", owner);
	gwc_ep_stats_get(g, id, &m->base);   /* raw sums while unused */
	m->used = true;
	gwc_mac_forget_ep(g->slice[s].mac, (uint16_t)id);
	gwc_flow_forget_ep(g->flows, (uint16_t)id);
	gwc_neigh_sync(g);
	rc = gwc_tables_publish(g);
	if (rc != 0) {
		m->used = false;
		gwc_neigh_sync(g);
		gwc_errf(e, "endpoint '%s': out of memory for tables", c->name);
		return rc;
	}
	g->next_ep = (uint16_t)((id + 1) % GWC_MAX_EPS);
	GWC_LOG(INFO, "slice %s: endpoint %s (id %d) added by %s", slice, c->name, id, owner);
	return id;
}

int
gwc_ep_del(struct gwc *g, const char *owner, const char *slice, const char *name,
	   struct gwc_err *e)
{
	int s = gwc_slice_find(g, slice), id, rc;

	if (s < 0) {
		gwc_errf(e, "no slice '%s'", slice);
		return -ENOENT;
	}
	id = gwc_ep_find(g, s, name);
	if (id < 0) {
		gwc_errf(e, "slice '%s' has no endpoint '%s'", slice, name);
		return -ENOENT;
	}
	if (strcmp(g->ep[id].ep.owner, owner) != 0 && strcmp(g->slice[s].owner, owner) != 0) {
		gwc_errf(e, "endpoint '%s' of slice '%s' belongs to '%s', not '%s'", name, slice,
			 g->ep[id].ep.owner, owner);
		return -EPERM;
	}
	g->ep[id].used = false;
	gwc_neigh_sync(g);
	rc = gwc_tables_publish(g);
	if (rc != 0) {
		g->ep[id].used = true;
		gwc_neigh_sync(g);
		gwc_errf(e, "endpoint '%s': out of memory for tables", name);
		return rc;
	}
	gwc_mac_forget_ep(g->slice[s].mac, (uint16_t)id);
	gwc_flow_forget_ep(g->flows, (uint16_t)id);
	GWC_LOG(INFO, "slice %s: endpoint %s removed by %s", slice, name, owner);
	return 0;
}

/* ------------------------------------------------------------ trailer keys */

static int
term_find(const struct gwc *g, uint32_t terminal)
{
	int i;

	for (i = 0; i < GWC_MAX_TRL_KEYS; i++)
		if (g->term[i].used && g->term[i].terminal == terminal)
			return i;
	return -ENOENT;
}

/* Free slot 'slot''s per-worker contexts (no published table names it any more). */
static void
term_free_keys(struct gwc *g, int slot)
{
	unsigned int w;

	for (w = 0; w < g->n_workers; w++) {
		trl_key_free(g->lc[w]->trl_key[slot]);
		g->lc[w]->trl_key[slot] = NULL;
	}
}

int
gwc_trl_key_set(struct gwc *g, const char *owner, uint32_t terminal, const uint8_t *key,
		size_t len, bool required, struct gwc_err *e)
{
	int old = term_find(g, terminal), slot = -1, i, rc;
	unsigned int w;

	if (terminal == 0 || len < TRL_KEY_MIN || len > TRL_KEY_MAX) {
		gwc_errf(e, "trailer key of terminal %u: terminal IDs start at 1, keys are %d to "
			    "%d bytes (got %zu)", terminal, TRL_KEY_MIN, TRL_KEY_MAX, len);
		return -EINVAL;
	}
	if (old >= 0 && strcmp(g->term[old].owner, owner) != 0) {
		gwc_errf(e, "terminal %u's trailer key belongs to '%s'", terminal,
			 g->term[old].owner);
		return -EPERM;
	}
	/* A new slot even when replacing: workers switch with the tables, atomically. */
	for (i = 0; i < GWC_MAX_TRL_KEYS && slot < 0; i++)
		if (!g->term[i].used)
			slot = i;
	if (slot < 0) {
		gwc_errf(e, "trailer key of terminal %u: all %d key slots in use", terminal,
			 GWC_MAX_TRL_KEYS);
		return -ENOSPC;
	}
	for (w = 0; w < g->n_workers; w++) {
		g->lc[w]->trl_key[slot] = trl_key_create(key, len);
		if (g->lc[w]->trl_key[slot] == NULL) {
			term_free_keys(g, slot);
			gwc_errf(e, "trailer key of terminal %u: out of memory", terminal);
			return -ENOMEM;
		}
	}
	g->term[slot] = (struct gwc_term_m){ .used = true, .required = required,
					     .terminal = terminal };
	snprintf(g->term[slot].owner, sizeof(g->term[slot].owner), "%s", owner);
	if (old >= 0)
		g->term[old].used = false;
	rc = gwc_tables_publish(g);
	if (rc != 0) {
		g->term[slot].used = false;
		if (old >= 0)
			g->term[old].used = true;
		term_free_keys(g, slot);
		gwc_errf(e, "trailer key of terminal %u: out of memory for tables", terminal);
		return rc;
	}
	if (old >= 0)
		term_free_keys(g, old);   /* the tables naming it are retired */
	GWC_LOG(INFO, "trailer key of terminal %u %s by %s%s", terminal,
		old >= 0 ? "replaced" : "set", owner, required ? " (tag required)" : "");
	return 0;
}

int
gwc_trl_key_del(struct gwc *g, const char *owner, uint32_t terminal, struct gwc_err *e)
{
	int slot = term_find(g, terminal), rc;

	if (slot < 0) {
		gwc_errf(e, "terminal %u has no trailer key", terminal);
		return -ENOENT;
	}
	if (strcmp(g->term[slot].owner, owner) != 0) {
		gwc_errf(e, "terminal %u's trailer key belongs to '%s'", terminal,
			 g->term[slot].owner);
		return -EPERM;
	}
	g->term[slot].used = false;
	rc = gwc_tables_publish(g);
	if (rc != 0) {
		g->term[slot].used = true;
		gwc_errf(e, "terminal %u: out of memory for tables", terminal);
		return rc;
	}
	term_free_keys(g, slot);
	GWC_LOG(INFO, "trailer key of terminal %u removed by %s", terminal, owner);
	return 0;
}

int
gwc_mac_add_static(struct gwc *g, const char *owner, const char *slice,
		   const struct rte_ether_addr *mac, const char *ep, struct gwc_err *e)
{
	int s = gwc_slice_find(g, slice), id;

	if (s < 0) {
		gwc_errf(e, "no slice '%s'", slice);
		return -ENOENT;
	}
	if (strcmp(g->slice[s].owner, owner) != 0) {
		gwc_errf(e, "slice '%s' belongs to '%s', not '%s'", slice, g->slice[s].owner, owner);
		return -EPERM;
	}
	id = gwc_ep_find(g, s, ep);
	if (id < 0) {
		gwc_errf(e, "slice '%s' has no endpoint '%s'", slice, ep);
		return -ENOENT;
	}
	if (g->ep[id].ep.type == GWC_EP_IPSEC) {
		gwc_errf(e, "endpoint '%s' of slice '%s' is an ipsec terminal: it takes only "
			    "frames the slice routes to it, never bridged ones; point the MAC at "
			    "a port, vlan, gre or trailer endpoint", ep, slice);
		return -EINVAL;
	}
	if (!rte_is_unicast_ether_addr(mac) || rte_is_zero_ether_addr(mac)) {
		gwc_errf(e, "a static MAC must be unicast and not zero");
		return -EINVAL;
	}
	if (gwc_mac_set_static(g->slice[s].mac, mac, (uint16_t)id) != 0) {
		gwc_errf(e, "slice '%s': MAC table bucket full of static entries", slice);
		return -ENOSPC;
	}
	return 0;
}

int
gwc_owner_flush(struct gwc *g, const char *owner)
{
	int i, n = 0;

	for (i = 0; i < GWC_MAX_SLICES; i++)
		if (g->slice[i].used && strcmp(g->slice[i].owner, owner) == 0 &&
		    gwc_slice_del(g, owner, g->slice[i].name, NULL) == 0)
			n++;
	for (i = 0; i < GWC_MAX_EPS; i++)
		if (g->ep[i].used && strcmp(g->ep[i].ep.owner, owner) == 0 &&
		    gwc_ep_del(g, owner, g->slice[g->ep[i].ep.slice].name, g->ep[i].ep.conf.name,
			       NULL) == 0)
			n++;
	for (i = 0; i < GWC_MAX_TRL_KEYS; i++)
		if (g->term[i].used && strcmp(g->term[i].owner, owner) == 0 &&
		    gwc_trl_key_del(g, owner, g->term[i].terminal, NULL) == 0)
			n++;
	return n;
}

/* ------------------------------------------------------------ counters */

/*
 * The counter structs hold only uint64_t: sum 'n_words' of them from every lcore's
 * copy at byte offset 'off' of struct gwc_lcore, then subtract the values recorded
 * when the object was created ('base', NULL when the slot is unused).
 */
static void
counters_sum(const struct gwc *g, size_t off, size_t n_words, const uint64_t *base, uint64_t *out)
{
	unsigned int w;
	size_t i;

	memset(out, 0, n_words * sizeof(uint64_t));
	for (w = 0; w < g->n_workers; w++) {
		const uint64_t *s = (const uint64_t *)((const char *)g->lc[w] + off);

		for (i = 0; i < n_words; i++)
			out[i] += s[i];
	}
	if (base != NULL)
		for (i = 0; i < n_words; i++)
			out[i] -= base[i];
}

void
gwc_ep_stats_get(const struct gwc *g, int id, struct gwc_ep_stats *out)
{
	RTE_BUILD_BUG_ON(sizeof(*out) % sizeof(uint64_t) != 0);
	memset(out, 0, sizeof(*out));
	if (id < 0 || id >= GWC_MAX_EPS)
		return;
	counters_sum(g, offsetof(struct gwc_lcore, ep) + (size_t)id * sizeof(*out),
		     sizeof(*out) / sizeof(uint64_t),
		     g->ep[id].used ? (const uint64_t *)&g->ep[id].base : NULL, (uint64_t *)out);
}

void
gwc_slice_stats_get(const struct gwc *g, int idx, struct gwc_slice_stats *out)
{
	RTE_BUILD_BUG_ON(sizeof(*out) % sizeof(uint64_t) != 0);
	memset(out, 0, sizeof(*out));
	if (idx < 0 || idx >= GWC_MAX_SLICES)
		return;
	counters_sum(g, offsetof(struct gwc_lcore, slice) + (size_t)idx * sizeof(*out),
		     sizeof(*out) / sizeof(uint64_t),
		     g->slice[idx].used ? (const uint64_t *)&g->slice[idx].base : NULL,
		     (uint64_t *)out);
}

void
gwc_drops_get(const struct gwc *g, uint64_t out[GWC_DROP_MAX])
{
	counters_sum(g, offsetof(struct gwc_lcore, drops), GWC_DROP_MAX, NULL, out);
}

/* ------------------------------------------------------------ tests and benchmarks */

unsigned int
gwc_worker_poll_once(struct gwc *g, unsigned int w)
{
	unsigned int n = ppm_worker_poll(&g->worker[w]);

	gwc_worker_drain(g->lc[w]);
	return n;
}

void
gwc_worker_inject(struct gwc *g, unsigned int w, uint16_t port_idx, struct rte_mbuf **pkts,
		  uint16_t n)
{
	struct ppm_rxq q = { .port_id = g->port[port_idx].port_id, .port_idx = port_idx };

	gwc_worker_burst(g->lc[w], &q, pkts, n);
	gwc_worker_drain(g->lc[w]);
}

struct rte_mempool *
gwc_pool(struct gwc *g)
{
	return g->pool;
}

const struct ppm_port *
gwc_port(const struct gwc *g, uint16_t idx)
{
	return idx < g->n_ports ? &g->port[idx] : NULL;
}

unsigned int
gwc_n_workers(const struct gwc *g)
{
	return g->n_workers;
}

uint32_t
gwc_tables_version(const struct gwc *g)
{
	return g->version;
}

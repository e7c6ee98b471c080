/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports added and removed while gw-core runs (a node sliver's vports: vhost-user,
 * memif, af_packet on a veth, docs/node-slivers.md). The configured ports take indices
 * 0..conf.n_ports-1; an added port takes the lowest free index above them, and
 * dp.n_ports is the highest index in use plus one (a removed port leaves a free slot,
 * its name ""). Workers learn of a port through their RCU-published poll lists
 * (ppm_worker_commit()) and the tables; their tx buffers for it are set before either
 * names it. Control thread.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_ethdev.h>

#include "gwc_lcore.h"
#include "gwc_log.h"
#include "gwc_model.h"
#include "gwc_sched.h"
#include "gwc_tables.h"

/* The virtual devices a port may be added as, and the devarg giving its queue count. */
static const struct {
	const char *driver, *queues;
} drivers[] = {
	{ "net_vhost", "queues" },
	{ "net_memif", NULL },
	{ "net_af_packet", "qpairs" },
	{ "net_af_xdp", "queue_count" },
	{ "net_tap", NULL },
};

bool
gwc_port_is_hotplug(const struct gwc *g, int p)
{
	return p >= g->conf.n_ports && p < g->dp.n_ports && g->conf.port[p].name[0] != '\0';
}

/* devargs 'dev' with its queue count added when its driver takes one and it is absent. */
static int
check_dev(const struct gwc *g, const char *dev, char *out, size_t len, char *vname,
	  struct gwc_err *e)
{
	size_t n = strcspn(dev, ",");
	unsigned int i;
	char key[40];

	if (n == 0 || n >= RTE_DEV_NAME_MAX_LEN || strlen(dev) >= len - 32 ||
	    strpbrk(dev, " \t\r\n\"") != NULL) {
		gwc_errf(e, "dev '%.80s': give DRIVER[SUFFIX],key=value,... (at most %u bytes, "
			    "no spaces)", dev, (unsigned int)len - 33);
		return -EINVAL;
	}
	if (ppm_dev_is_pci(dev)) {
		gwc_errf(e, "dev '%.80s': a PCI device is not added at run time; configure it "
			    "as a [port] and restart gw-core", dev);
		return -EINVAL;
	}
	for (i = 0; i < RTE_DIM(drivers); i++)
		if (strncmp(dev, drivers[i].driver, strlen(drivers[i].driver)) == 0)
			break;
	if (i == RTE_DIM(drivers)) {
		gwc_errf(e, "dev '%.80s': a port is added at run time as net_vhost, net_memif, "
			    "net_af_packet, net_af_xdp or net_tap", dev);
		return -EINVAL;
	}
	memcpy(vname, dev, n);
	vname[n] = '\0';
	snprintf(out, len, "%s", dev);
	if (drivers[i].queues != NULL) {
		snprintf(key, sizeof(key), ",%s=", drivers[i].queues);
		if (strstr(dev, key) == NULL)
			snprintf(out + strlen(out), len - strlen(out), "%s%u", key, g->dp.n_workers);
	}
	if (rte_eth_dev_get_port_by_name(vname, &(uint16_t){ 0 }) == 0) {
		gwc_errf(e, "dev '%s': DPDK has a device of that name already", vname);
		return -EEXIST;
	}
	return 0;
}

/*
 * A vhost-user server socket (net_vhost without client=1) that a gw-core killed before
 * left behind: DPDK cannot bind over it. Remove it when nobody listens there (QEMU keeps
 * reconnecting: the guest finds the new one); refuse when someone does.
 */
static int
stale_vhost_socket(const char *dev, struct gwc_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *p = strstr(dev, ",iface=");
	struct stat st;
	size_t n;
	int fd, rc;

	if (strncmp(dev, "net_vhost", 9) != 0 || p == NULL || strstr(dev, ",client=1") != NULL)
		return 0;
	p += strlen(",iface=");
	n = strcspn(p, ",");
	if (n == 0 || n >= sizeof(sa.sun_path))
		return 0;   /* DPDK says what is wrong with it */
	memcpy(sa.sun_path, p, n);
	if (lstat(sa.sun_path, &st) != 0 || !S_ISSOCK(st.st_mode))
		return 0;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (rc == 0) {
		gwc_errf(e, "dev '%.80s': something listens on %s already", dev, sa.sun_path);
		return -EEXIST;
	}
	if (errno == ECONNREFUSED && unlink(sa.sun_path) == 0)
		GWC_LOG(INFO, "vhost-user socket %s: removed, nobody listened (left by an earlier "
			      "gw-core)", sa.sun_path);
	return 0;
}

void
gwc_port_join_worker(struct gwc *g, unsigned int w, uint16_t p)
{
	struct ppm_worker *wk = &g->worker[w];

	ppm_txbuf_init(&g->lc[w]->tx[p], g->port[p].port_id, (uint16_t)w, 32,
		       &g->lc[w]->drops[GWC_DROP_TX_FULL]);
	if (w < g->port[p].nb_rxq && wk->nb_rxq < PPM_MAX_RXQ)
		wk->rxq[wk->nb_rxq++] = (struct ppm_rxq){ .port_id = g->port[p].port_id,
							  .queue_id = (uint16_t)w, .port_idx = p };
}

/* Take all of port 'p''s rx queues out of worker 'w''s list. */
static void
worker_rxq_drop(struct gwc *g, unsigned int w, uint16_t p)
{
	struct ppm_worker *wk = &g->worker[w];
	uint16_t i, k = 0;

	for (i = 0; i < wk->nb_rxq; i++)
		if (wk->rxq[i].port_idx != p)
			wk->rxq[k++] = wk->rxq[i];
	wk->nb_rxq = k;
}

static void
unplug(struct gwc *g, uint16_t p, const char *vname)
{
	ppm_port_close(&g->port[p]);
	if (rte_eal_hotplug_remove("vdev", vname) != 0)
		GWC_LOG(WARNING, "port slot %u: could not unplug device %s", p, vname);
}

int
gwc_port_add(struct gwc *g, const char *owner, const char *name, const char *dev, uint16_t mtu,
	     struct gwc_err *e)
{
	char devargs[sizeof(g->conf.port[0].dev)], vname[RTE_DEV_NAME_MAX_LEN];
	struct gwc_port_conf *pc;
	struct ppm_port_conf ppc;
	unsigned int w;
	uint16_t p;
	int rc;

	if (!gwc_name_ok(name) || strlen(name) >= PPM_NAME_MAX) {
		gwc_errf(e, "port name '%.40s': 1 to %d of [A-Za-z0-9_.-]", name, PPM_NAME_MAX - 1);
		return -EINVAL;
	}
	if (gwc_port_find(g, name) >= 0) {
		gwc_errf(e, "port '%s' exists already", name);
		return -EEXIST;
	}
	if (mtu != 0 && (mtu < RTE_ETHER_MIN_MTU || mtu > 9600)) {
		gwc_errf(e, "port '%s': mtu %u: %u to 9600 bytes, or 0 for the device's", name, mtu,
			 RTE_ETHER_MIN_MTU);
		return -EINVAL;
	}
	if ((rc = check_dev(g, dev, devargs, sizeof(devargs), vname, e)) != 0 ||
	    (rc = stale_vhost_socket(devargs, e)) != 0)
		return rc;
	for (p = g->conf.n_ports; p < GWC_MAX_PORTS && g->conf.port[p].name[0] != '\0'; p++)
		;
	if (p == GWC_MAX_PORTS) {
		gwc_errf(e, "port '%s': all %d ports in use (GWC_MAX_PORTS); remove one", name,
			 GWC_MAX_PORTS);
		return -ENOSPC;
	}
	rc = rte_dev_probe(devargs);
	if (rc != 0) {
		gwc_errf(e, "port '%s': DPDK could not create device '%s': %s (see gw-core's log)",
			 name, devargs, rte_strerror(-rc));
		return rc == -EEXIST ? -EEXIST : -ENODEV;
	}
	ppc = (struct ppm_port_conf){ .name = name, .dev = vname,
				      .nb_rxq = (uint16_t)g->dp.n_workers,
				      .nb_txq = (uint16_t)g->dp.n_workers, .mtu = mtu,
				      .pool = g->pool, .promisc = true };
	memset(&g->port[p], 0, sizeof(g->port[p]));
	rc = ppm_port_open(&g->port[p], &ppc);
	if (rc != 0) {
		gwc_errf(e, "port '%s' (%s): %s", name, devargs,
			 rc == -ENOTSUP ? "too few tx queues for the workers (see the log)" :
					  rte_strerror(-rc));
		unplug(g, p, vname);
		return rc;
	}
	/* each worker's tx buffer and (unpublished) rx queue first: nothing names the port
	 * yet, so no worker touches the tx buffer but to see it empty */
	for (w = 0; w < g->dp.n_workers; w++)
		gwc_port_join_worker(g, w, p);
	pc = &g->conf.port[p];
	memset(pc, 0, sizeof(*pc));
	snprintf(pc->name, sizeof(pc->name), "%s", name);
	snprintf(pc->dev, sizeof(pc->dev), "%s", devargs);
	pc->mtu = g->port[p].mtu;
	pc->no_tap = true;
	snprintf(g->port_owner[p], sizeof(g->port_owner[p]), "%s", owner);
	memset(g->vid_ep[p], 0xff, sizeof(g->vid_ep[p]));
	if (p >= g->dp.n_ports)
		__atomic_store_n(&g->dp.n_ports, (uint16_t)(p + 1), __ATOMIC_RELEASE);
	/* the tables' view of the port (its endpoint slots empty), then the poll lists */
	rc = gwc_tables_publish(g);
	for (w = 0; rc == 0 && w < g->dp.n_workers; w++)
		rc = ppm_worker_commit(&g->worker[w]);
	if (rc != 0) {
		struct gwc_err e2;

		gwc_port_del(g, owner, name, &e2);
		gwc_errf(e, "port '%s': out of memory for tables or poll lists", name);
		return -ENOMEM;
	}
	GWC_LOG(INFO, "port %s added (index %u, ethdev %u, %s, %u rx queues, mtu %u)", name, p,
		g->port[p].port_id, devargs, g->port[p].nb_rxq, g->port[p].mtu);
	return p;
}

int
gwc_port_del(struct gwc *g, const char *owner, const char *pname, struct gwc_err *e)
{
	char vname[RTE_DEV_NAME_MAX_LEN], used[160] = "", name[PPM_NAME_MAX];
	int p = gwc_port_find(g, pname);
	unsigned int w, i, n_used = 0;
	uint64_t deadline;

	snprintf(name, sizeof(name), "%s", pname);   /* 'pname' may be the slot's own */
	if (p < 0) {
		gwc_errf(e, "no port '%.40s'", name);
		return -ENOENT;
	}
	if (!gwc_port_is_hotplug(g, p)) {
		gwc_errf(e, "port '%s' is configured in gw-core's file; only ports added with "
			    "port.add are removed", name);
		return -EPERM;
	}
	if (owner != NULL && strcmp(g->port_owner[p], owner) != 0) {
		gwc_errf(e, "port '%s' belongs to client '%s'", name, g->port_owner[p]);
		return -EPERM;
	}
	GWC_EP_FOREACH(g, i)
		if (g->ep[i].ep.port == p) {
			size_t l = strlen(used);

			if (n_used++ < 3)
				snprintf(used + l, sizeof(used) - l, "%s%s/%s", l ? ", " : "",
					 g->slice[g->ep[i].ep.slice].name, g->ep[i].ep.conf.name);
		}
	if (n_used != 0) {
		gwc_errf(e, "port '%s': %u endpoints use it (%s%s); remove them first", name, n_used,
			 used, n_used > 3 ? ", ..." : "");
		return -EBUSY;
	}
	/* off the poll lists (each publication waits a grace period) */
	for (w = 0; w < g->dp.n_workers; w++) {
		worker_rxq_drop(g, w, (uint16_t)p);
		if (ppm_worker_commit(&g->worker[w]) != 0)
			GWC_LOG(WARNING, "port %s: worker %u's poll list: out of memory; it "
					 "polls the port until the next change", name, w);
	}
	if (g->sched[p] != NULL)
		gwc_sched_port_set(g, (uint16_t)p, 0, e);
	/* what the workers' tx buffers hold for it goes out at their next drain */
	deadline = rte_get_tsc_cycles() + rte_get_tsc_hz();
	for (w = 0; w < g->dp.n_workers; w++)
		while (__atomic_load_n(&g->lc[w]->tx[p].n, __ATOMIC_ACQUIRE) != 0 && g->running &&
		       rte_get_tsc_cycles() < deadline)
			rte_pause();
	snprintf(vname, sizeof(vname), "%.*s", (int)strcspn(g->conf.port[p].dev, ","),
		 g->conf.port[p].dev);
	g->conf.port[p].name[0] = '\0';
	g->port_owner[p][0] = '\0';
	unplug(g, (uint16_t)p, vname);
	for (w = 0; w < g->dp.n_workers; w++) {   /* what the 1 s did not see sent */
		struct ppm_txbuf *b = &g->lc[w]->tx[p];

		*b->drops += b->n;
		rte_pktmbuf_free_bulk(b->pkts, b->n);
		b->n = 0;
	}
	while (g->dp.n_ports > g->conf.n_ports && g->conf.port[g->dp.n_ports - 1].name[0] == '\0')
		__atomic_store_n(&g->dp.n_ports, (uint16_t)(g->dp.n_ports - 1), __ATOMIC_RELEASE);
	if (gwc_tables_publish(g) != 0)
		GWC_LOG(WARNING, "port %s: tables not republished (out of memory)", name);
	GWC_LOG(INFO, "port %s removed (index %d, device %s)", name, p, vname);
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPM ports: any DPDK ethdev (PCI NIC or vdev) opened from a devargs string, the
 * exception TAP (net_tap), and the tx buffer that always consumes its mbufs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

#include "ppm.h"
#include "ppm_log.h"

static int
dev_name(const char *dev, char *out, size_t len)
{
	size_t n = strcspn(dev, ",");

	if (n == 0 || n >= len)
		return -EINVAL;
	memcpy(out, dev, n);
	out[n] = '\0';
	return 0;
}

int
ppm_port_open(struct ppm_port *p, const struct ppm_port_conf *c)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	char name[RTE_ETH_NAME_MAX_LEN];
	uint16_t q, pid, mtu;
	int rc;

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", c->name);
	if (dev_name(c->dev, name, sizeof(name)) != 0) {
		PPM_LOG(ERR, "port %s: bad device string '%s'", c->name, c->dev);
		return -EINVAL;
	}
	if (rte_eth_dev_get_port_by_name(name, &pid) != 0) {
		PPM_LOG(ERR, "port %s: no ethdev named '%s' (was '%s' probed? check the "
			"devargs and that the interface exists)", c->name, name, c->dev);
		return -ENODEV;
	}
	p->port_id = pid;

	rc = rte_eth_dev_info_get(pid, &info);
	if (rc != 0) {
		PPM_LOG(ERR, "port %s: info: %s", c->name, rte_strerror(-rc));
		return rc;
	}
	p->nb_rxq = RTE_MIN(RTE_MAX(c->nb_rxq, 1), info.max_rx_queues);
	p->nb_txq = RTE_MAX(c->nb_txq, 1);
	if (p->nb_txq > info.max_tx_queues) {
		PPM_LOG(ERR, "port %s: device %s has %u tx queues, one per worker needs %u "
			"(for net_af_packet add qpairs=%u to its devargs)", c->name, name,
			info.max_tx_queues, p->nb_txq, p->nb_txq);
		return -ENOTSUP;
	}

	memset(&conf, 0, sizeof(conf));
	if (p->nb_rxq > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP |
						    RTE_ETH_RSS_TCP) & info.flow_type_rss_offloads;
	}
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) {
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
		p->tx_multiseg = true;
	}
	rc = rte_eth_dev_configure(pid, p->nb_rxq, p->nb_txq, &conf);
	if (rc != 0) {
		PPM_LOG(ERR, "port %s: configure %u rxq/%u txq: %s", c->name, p->nb_rxq,
			p->nb_txq, rte_strerror(-rc));
		return rc;
	}
	if (c->mtu != 0) {
		rc = rte_eth_dev_set_mtu(pid, c->mtu);
		if (rc != 0)
			PPM_LOG(WARNING, "port %s: device refused MTU %u (%s); using %u as the "
				"egress limit anyway: make sure the link carries it (e.g. "
				"net_af_packet: set the interface's MTU)", c->name, c->mtu,
				rte_strerror(-rc), c->mtu);
	}
	for (q = 0; q < p->nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(pid, q, c->rxd != 0 ? c->rxd : 1024,
					    rte_eth_dev_socket_id(pid), NULL, c->pool);
		if (rc != 0) {
			PPM_LOG(ERR, "port %s: rxq %u setup: %s", c->name, q, rte_strerror(-rc));
			return rc;
		}
	}
	for (q = 0; q < p->nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(pid, q, c->txd != 0 ? c->txd : 1024,
					    rte_eth_dev_socket_id(pid), NULL);
		if (rc != 0) {
			PPM_LOG(ERR, "port %s: txq %u setup: %s", c->name, q, rte_strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(pid);
	if (rc != 0) {
		PPM_LOG(ERR, "port %s: start: %s", c->name, rte_strerror(-rc));
		return rc;
	}
	p->started = true;
	if (c->promisc) {
		rc = rte_eth_promiscuous_enable(pid);
		if (rc != 0 && rc != -ENOTSUP)
			PPM_LOG(WARNING, "port %s: promiscuous mode: %s", c->name,
				rte_strerror(-rc));
	}
	rte_eth_macaddr_get(pid, &p->mac);
	if (c->mtu != 0)
		p->mtu = c->mtu;
	else if (rte_eth_dev_get_mtu(pid, &mtu) == 0)
		p->mtu = mtu;
	else
		p->mtu = RTE_ETHER_MTU;
	PPM_LOG(INFO, "port %s: ethdev %u (%s) up, %u rxq, %u txq, mtu %u%s", c->name, pid,
		name, p->nb_rxq, p->nb_txq, p->mtu, p->tx_multiseg ? ", multi-segment tx" : "");
	return 0;
}

void
ppm_port_close(struct ppm_port *p)
{
	if (p == NULL || !p->started)
		return;
	rte_eth_dev_stop(p->port_id);
	rte_eth_dev_close(p->port_id);
	p->started = false;
}

int
ppm_tap_open(struct ppm_port *p, const char *ifname, const struct rte_ether_addr *mac,
	     struct rte_mempool *pool)
{
	char vname[RTE_DEV_NAME_MAX_LEN], args[128], macs[RTE_ETHER_ADDR_FMT_SIZE];
	struct ppm_port_conf c = { 0 };
	int rc;

	snprintf(vname, sizeof(vname), "net_tap_%s", ifname);
	if (mac != NULL) {
		rte_ether_format_addr(macs, sizeof(macs), mac);
		snprintf(args, sizeof(args), "iface=%s,mac=%s", ifname, macs);
	} else {
		snprintf(args, sizeof(args), "iface=%s", ifname);
	}
	rc = rte_vdev_init(vname, args);
	if (rc != 0) {
		PPM_LOG(ERR, "tap %s: create: %s (needs CAP_NET_ADMIN and /dev/net/tun)",
			ifname, rte_strerror(rc < 0 ? -rc : rc));
		return rc < 0 ? rc : -rc;
	}
	c.name = ifname;
	c.dev = vname;
	c.nb_rxq = 1;
	c.nb_txq = 1;
	c.rxd = 512;
	c.txd = 512;
	c.pool = pool;
	rc = ppm_port_open(p, &c);
	if (rc != 0)
		rte_vdev_uninit(vname);
	return rc;
}

int
ppm_if_set_ipv4(const char *ifname, uint32_t ip_be, uint8_t prefix_len)
{
	struct sockaddr_in *sin;
	struct ifreq ifr;
	int fd, rc = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	sin = (struct sockaddr_in *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = ip_be;
	if (ioctl(fd, SIOCSIFADDR, &ifr) != 0) {
		rc = -errno;
		goto out;
	}
	sin->sin_addr.s_addr = prefix_len == 0 ? 0 : htonl(~0u << (32 - prefix_len));
	if (ioctl(fd, SIOCSIFNETMASK, &ifr) != 0) {
		rc = -errno;
		goto out;
	}
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
		rc = -errno;
		goto out;
	}
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
		rc = -errno;
out:
	if (rc != 0)
		PPM_LOG(ERR, "interface %s: set IPv4 address: %s", ifname, strerror(-rc));
	close(fd);
	return rc;
}

void
ppm_txbuf_init(struct ppm_txbuf *b, uint16_t port_id, uint16_t queue_id, uint16_t size,
	       uint64_t *drops)
{
	memset(b, 0, sizeof(*b));
	b->port_id = port_id;
	b->queue_id = queue_id;
	b->size = RTE_MIN(RTE_MAX(size, 1), PPM_TXBUF_MAX);
	b->drops = drops;
}

uint16_t
ppm_txbuf_flush(struct ppm_txbuf *b)
{
	uint16_t sent, i;

	if (b->n == 0)
		return 0;
	sent = rte_eth_tx_burst(b->port_id, b->queue_id, b->pkts, b->n);
	if (unlikely(sent < b->n)) {
		/* One retry: a ring that was full a moment ago often has room now. */
		sent += rte_eth_tx_burst(b->port_id, b->queue_id, b->pkts + sent, b->n - sent);
		for (i = sent; i < b->n; i++)
			rte_pktmbuf_free(b->pkts[i]);
		*b->drops += b->n - sent;
	}
	b->sent += sent;
	b->n = 0;
	return sent;
}

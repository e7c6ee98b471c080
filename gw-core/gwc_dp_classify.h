/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fast-path stage: classification. Which endpoint a frame enters its slice by: its VID,
 * a GRE tunnel or ESP to the port's address (gwc_dp_gre.h, gwc_dp_esp.h), its trailer
 * (gwc_dp_trailer.h), or the port's untagged endpoint; frames for the AGW itself (ARP,
 * other IPv4 to the port's address) go to the control thread. Worker lcore (gwc_dp.h).
 */
#ifndef GWC_DP_CLASSIFY_H
#define GWC_DP_CLASSIFY_H

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "gwc_dp.h"
#include "gwc_dp_esp.h"
#include "gwc_dp_gre.h"
#include "gwc_dp_trailer.h"

/*
 * An untagged IPv4 or ARP frame on a port that has an address: is it for us?
 * @return an endpoint id (a GRE packet, now decapsulated), LOCAL_NOT (slice traffic),
 *   or LOCAL_DONE (punted or dropped).
 */
static inline int
local_in(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t port, struct rte_mbuf *m,
	 uint16_t ether_type)
{
	const struct gwc_port_tab *pt = &t->port[port];
	const uint32_t eh = sizeof(struct rte_ether_hdr);
	struct rte_ipv4_hdr *ip;
	uint32_t ihl, tot;

	if (ether_type == RTE_ETHER_TYPE_ARP) {
		const struct rte_arp_hdr *a;

		if (unlikely(m->data_len < eh + sizeof(*a)))
			return LOCAL_NOT;
		a = rte_pktmbuf_mtod_offset(m, const struct rte_arp_hdr *, eh);
		if (a->arp_data.arp_tip != pt->ip)
			return LOCAL_NOT;
		punt(lc, m, port);
		return LOCAL_DONE;
	}

	if (unlikely(m->data_len < eh + sizeof(*ip)))
		return LOCAL_NOT;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, eh);
	if (ip->dst_addr != pt->ip)
		return LOCAL_NOT;
	ihl = (uint32_t)(ip->version_ihl & 0x0f) * 4;
	if (ip->next_proto_id != IPPROTO_GRE && ip->next_proto_id != IPPROTO_ESP &&
	    (ip->next_proto_id != IPPROTO_UDP || !natt_esp(m, eh + ihl))) {
		punt(lc, m, port);   /* ICMP, IKE (UDP 500, 4500 with the non-ESP marker), ... */
		return LOCAL_DONE;
	}
	tot = rte_be_to_cpu_16(ip->total_length);
	if (unlikely((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) || tot < ihl ||
		     eh + tot > m->pkt_len || m->data_len < eh + ihl)) {
		drop(lc, m, GWC_DROP_BAD_IPV4);
		return LOCAL_DONE;
	}
	if (unlikely((likely(ihl == sizeof(*ip)) ? ipv4_hdr_sum20(ip) : rte_raw_cksum(ip, ihl))
		     != 0xffff)) {
		drop(lc, m, GWC_DROP_BAD_IPV4);
		return LOCAL_DONE;
	}
	if (unlikely(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))) {
		drop(lc, m, GWC_DROP_IP_FRAGMENT);
		return LOCAL_DONE;
	}
	/* Ethernet padding after the IP packet is not part of the inner frame. */
	if (m->pkt_len > eh + tot)
		rte_pktmbuf_trim(m, m->pkt_len - (eh + tot));

	if (ip->next_proto_id != IPPROTO_GRE)
		return esp_in(lc, t, m, ihl + (ip->next_proto_id == IPPROTO_UDP ? 8 : 0));
	return gre_in(lc, t, port, m, ip, ihl, tot);
}

/*
 * The endpoint frame 'm' from port index 'port' enters by: its VID, the port's
 * untagged endpoint, or what local_in() (GRE, ESP, ARP and IPv4 for the AGW) or
 * trailer_in() found, with the encapsulation (but for a VLAN tag) already removed;
 * '*tagged_out': the frame still carries its ingress tag.
 * @return the endpoint id, or GWC_EP_NONE when 'm' was consumed (dropped, punted,
 * queued for decryption).
 */
static inline uint32_t
classify(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t port, struct rte_mbuf *m,
	 uint64_t now, bool *tagged_out)
{
	const struct gwc_port_tab *pt = &t->port[port];
	struct rte_ether_hdr *eth;
	uint16_t et;
	uint32_t id;
	bool tagged = false;

	if (unlikely(m->data_len < sizeof(*eth)))
		return drop(lc, m, GWC_DROP_RUNT), GWC_EP_NONE;
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	et = rte_be_to_cpu_16(eth->ether_type);

	if (unlikely(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)) {
		/* The device took the tag off; the frame in the buffer is untagged. */
		m->ol_flags &= ~(RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED);
		id = pt->vlan_ep[m->vlan_tci & 0xfff];
		if (id == GWC_EP_NONE)
			return drop(lc, m, GWC_DROP_UNKNOWN_VID), GWC_EP_NONE;
	} else if (et == RTE_ETHER_TYPE_VLAN) {
		const struct rte_vlan_hdr *v;

		if (unlikely(m->data_len < sizeof(*eth) + VLAN_HLEN))
			return drop(lc, m, GWC_DROP_TRUNCATED), GWC_EP_NONE;
		v = (const struct rte_vlan_hdr *)(eth + 1);
		id = pt->vlan_ep[rte_be_to_cpu_16(v->vlan_tci) & 0xfff];
		if (id == GWC_EP_NONE)
			return drop(lc, m, GWC_DROP_UNKNOWN_VID), GWC_EP_NONE;
		tagged = true;
	} else {
		int r = LOCAL_NOT;

		/* A port that looks into IPv4 (its own address, trailer endpoints) cannot tell
		 * where a frame whose IPv4 header is cut short belongs. */
		if (et == RTE_ETHER_TYPE_IPV4 && (pt->has_ip || pt->n_trl != 0) &&
		    unlikely(m->data_len < sizeof(*eth) + sizeof(struct rte_ipv4_hdr) ||
			     m->data_len < sizeof(*eth) +
				     (uint32_t)(((const uint8_t *)(eth + 1))[0] & 0x0f) * 4))
			return drop(lc, m, GWC_DROP_TRUNCATED), GWC_EP_NONE;
		if (pt->has_ip && (et == RTE_ETHER_TYPE_IPV4 || et == RTE_ETHER_TYPE_ARP))
			r = local_in(lc, t, port, m, et);
		if (r == LOCAL_NOT && pt->n_trl != 0 && et == RTE_ETHER_TYPE_IPV4)
			r = trailer_in(lc, t, port, m, now);
		if (r == LOCAL_DONE)
			return GWC_EP_NONE;
		if (r >= 0) {
			id = (uint32_t)r;
		} else {
			id = pt->untagged_ep;
			if (id == GWC_EP_NONE)
				return drop(lc, m, GWC_DROP_NO_SLICE), GWC_EP_NONE;
		}
	}

	*tagged_out = tagged;
	return id;
}

#endif /* GWC_DP_CLASSIFY_H */

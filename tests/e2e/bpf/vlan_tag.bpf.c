// SPDX-License-Identifier: BSD-3-Clause
/*
 * tc BPF for test hosts whose kernel has no 802.1Q module: on egress push an
 * 802.1Q tag with VID VLAN_ID (set at compile time), on ingress pop any tag so the
 * host's IP stack sees untagged frames. Attach with
 *   tc qdisc add dev IF clsact
 *   tc filter add dev IF egress  bpf da obj vlanN.o sec tc_egress
 *   tc filter add dev IF ingress bpf da obj vlanN.o sec tc_ingress
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#ifndef VLAN_ID
#define VLAN_ID 10
#endif

SEC("tc_egress")
int vlan_push(struct __sk_buff *skb)
{
	if (bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), VLAN_ID) != 0)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

SEC("tc_ingress")
int vlan_pop(struct __sk_buff *skb)
{
	if (skb->vlan_present && bpf_skb_vlan_pop(skb) != 0)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";

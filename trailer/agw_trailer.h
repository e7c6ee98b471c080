/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the terminal-side tagger's tc BPF program (agw_trailer.bpf.c) and its loader
 * (agw_trailer.c, the `agw-trailer` command) share: the maps' keys and values and the
 * counters. Seed 003 section 3.1, Figure 3(B): the terminal writes the application's ID
 * and its own terminal ID into bytes appended to its packets (docs/trailer.md).
 *
 * Programs: atr_egress (tc egress: append) and atr_ingress (tc ingress: take off the
 * trailers an AGW re-appended toward this terminal). Maps (all created by the object,
 * shared by both programs, filled by the loader before attach):
 *   atr_cfg      array[1] of struct atr_cfg: terminal ID, mode, pads of the key.
 *   atr_cgroup   hash: cgroup v2 ID (u64) -> app ID (u32). A packet's socket's cgroup or
 *                any ancestor up to ATR_MAX_CGROUP_DEPTH levels below the root matches.
 *   atr_port     hash: struct atr_port_key -> app ID (u32).
 *   atr_flows    LRU hash: struct atr_flow_key -> last tag time (u64, ns, CLOCK_MONOTONIC).
 *   atr_stats    per-CPU array[ATR_STAT_MAX] of u64 packet counts.
 */
#ifndef AGW_TRAILER_H
#define AGW_TRAILER_H

#include <linux/types.h>

#include "trl_sha256.h"

#define ATR_MAX_APPS 1024          /**< entries of atr_cgroup and of atr_port */
#define ATR_MAX_FLOWS 16384        /**< flows remembered in flow-start mode (LRU) */
#define ATR_MAX_CGROUP_DEPTH 8     /**< ancestor levels a cgroup match looks at */

/* struct atr_cfg.mode */
#define ATR_MODE_EVERY 0           /**< tag every selected packet */
#define ATR_MODE_FLOW_START 1      /**< tag a flow's first packet, and again after refresh_ns */

/** The tagger's settings (map atr_cfg, key 0). */
struct atr_cfg {
	__u32 terminal_id;         /**< host order, not 0 */
	__u32 mode;                /**< ATR_MODE_* */
	__u32 auth;                /**< 1: append the 8-byte tag (pads below) */
	__u32 path_mtu;            /**< bytes: tag only if IP total length + trailer <= this */
	__u64 refresh_ns;          /**< flow-start mode: re-tag a flow silent or tagged this long ago */
	struct trl_hmac_pads pads; /**< HMAC-SHA-256 pad states of the terminal's key (auth) */
};

/** Key of atr_port: a destination port of one IP protocol. */
struct atr_port_key {
	__u8 proto;                /**< IPPROTO_TCP or IPPROTO_UDP */
	__u8 pad;
	__u16 dport;               /**< network byte order */
};

/** Key of atr_flows: the 5-tuple, addresses and ports in network byte order. */
struct atr_flow_key {
	__u32 saddr, daddr;
	__u16 sport, dport;
	__u8 proto;
	__u8 pad[3];
};

/* Counters (atr_stats), in packets. Names for `agw-trailer status` in ATR_STAT_NAMES. */
enum atr_stat {
	ATR_TAGGED,           /**< a trailer was appended */
	ATR_TAGGED_AUTH,      /**< ... with the tag (also counted in ATR_TAGGED) */
	ATR_FLOW_KNOWN,       /**< flow-start mode: selected, flow tagged recently: sent as is */
	ATR_NOT_SELECTED,     /**< IPv4 TCP/UDP of no configured app: sent as is */
	ATR_NOT_TCP_UDP,      /**< not IPv4 TCP or UDP, or a fragment: sent as is */
	ATR_GSO,              /**< selected but a GSO packet (several segments): sent as is */
	ATR_TOO_BIG,          /**< selected but over path_mtu or 65535 with the trailer: sent as is */
	ATR_ERR,              /**< selected, a helper failed (packet shape, memory): sent as is */
	ATR_STRIPPED,         /**< ingress: a trailer with this terminal's ID taken off (an AGW
	                           endpoint with reappend) */
	ATR_STRIP_ERR,        /**< ingress: such a trailer, but a helper failed: passed as is */
	ATR_STAT_MAX
};

#define ATR_STAT_NAMES { "tagged", "tagged_auth", "flow_known", "not_selected", \
			 "not_tcp_udp", "gso", "too_big", "error", "stripped", "strip_error" }

#endif /* AGW_TRAILER_H */

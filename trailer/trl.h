/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * AGW trailer bytes, version 1 (docs/trailer.md; seed 003 section 3.1, Figure 3(B)):
 * the codec. Encode, decode, validate and strip a trailer at the end of an IPv4
 * packet, keeping every length and checksum right (RFC 1624 incremental updates).
 *
 * Pure: no allocation, no I/O, no global state; every function is safe on any thread
 * for distinct buffers. Buffers are an IPv4 packet from its first header byte,
 * contiguous; 'len' is the number of bytes present (at least the IPv4 total length;
 * more, such as Ethernet padding, is ignored). Nothing is read or written outside
 * [ip, ip + len) (or ip + cap for trl_append()).
 *
 * The tag (flag TRL_F_AUTH) is computed and checked by trl_auth.h; this codec only
 * carries it and builds the message it covers (trl_auth_msg()).
 */
#ifndef TRL_H
#define TRL_H

#include <stddef.h>
#include <stdint.h>

#define TRL_MAGIC 0x41475754u   /**< "AGWT", the last 4 bytes of the packet */
#define TRL_VERSION 1
#define TRL_LEN 16              /**< bytes of a trailer without tag */
#define TRL_LEN_AUTH 24         /**< bytes of a trailer with the tag */
#define TRL_TAG_LEN 8           /**< bytes of the tag (truncated HMAC-SHA-256) */
#define TRL_AUTH_MSG_LEN 32     /**< bytes of the message the tag covers */
#define TRL_F_AUTH 0x01         /**< the tag is present */
#define TRL_F_FLOW_START 0x02   /**< the terminal tags flow-opening packets only; this is one */
#define TRL_F_RESERVED 0xfc     /**< must be 0 in version 1 */
#define TRL_APP_HASHED 0x80000000u /**< app IDs with this bit are name hashes (trl_app_id_hash) */

/** What a codec call found or did. Names (trl_status_name) are the gw-core drop names. */
enum trl_status {
	TRL_OK = 0,          /**< a valid trailer (decode), or done (strip, append) */
	TRL_NONE,            /**< no trailer: payload too short for one, or no magic at the end */
	TRL_E_BAD_IP,        /**< not a valid IPv4 header (version, IHL, total length vs bytes) */
	TRL_E_FRAGMENT,      /**< an IPv4 fragment: trailers are never read from or put on one */
	TRL_E_BAD_VERSION,   /**< magic found, version is not 1 */
	TRL_E_BAD_LENGTH,    /**< length is not 16/24 as the AUTH flag says, or exceeds the payload */
	TRL_E_BAD_FLAGS,     /**< a reserved flag is set */
	TRL_E_BAD_ID,        /**< terminal ID or app ID is 0 */
	TRL_E_BAD_L4,        /**< TCP/UDP/ICMP header cut short before the trailer, or a UDP
	                          length that is not the IP payload length */
	TRL_E_BAD_TAG,       /**< the tag did not verify, or was required and absent (trl_auth.h) */
	TRL_E_TOO_BIG,       /**< append: no room in the buffer or past 65535 bytes */
	TRL_STATUS_MAX
};

/** A trailer's fields, plus where it sits in its packet (filled by trl_decode()). */
struct trl_info {
	uint32_t terminal_id;         /**< host byte order */
	uint32_t app_id;              /**< host byte order */
	uint8_t flags;                /**< TRL_F_* */
	uint8_t len;                  /**< TRL_LEN or TRL_LEN_AUTH (decode fills it; append derives it) */
	uint8_t proto;                /**< the packet's IP protocol (decode) */
	uint8_t tag[TRL_TAG_LEN];     /**< with TRL_F_AUTH */
	uint16_t ip_len;              /**< IPv4 total length, trailer included (decode) */
	uint16_t sport, dport;        /**< TCP/UDP ports, host byte order; 0 for other protocols */
};

/**
 * Find and validate the trailer of the IPv4 packet 'ip' (docs/trailer.md,
 * "Validation", in that order).
 * @param ip   the packet, 'len' bytes of it present.
 * @param t    filled on TRL_OK; untouched otherwise.
 * @return TRL_OK; TRL_NONE (no trailer: not an error); or TRL_E_BAD_IP,
 *   TRL_E_FRAGMENT, TRL_E_BAD_VERSION, TRL_E_BAD_LENGTH, TRL_E_BAD_FLAGS,
 *   TRL_E_BAD_ID, TRL_E_BAD_L4. The tag is not checked here (trl_auth.h).
 */
enum trl_status trl_decode(const uint8_t *ip, size_t len, struct trl_info *t);

/**
 * Take the trailer 't' (from trl_decode() of this same, unchanged packet) off 'ip':
 * IPv4 total length and header checksum, UDP length, and the TCP, UDP (unless 0) or
 * ICMP checksum are updated so that the packet without its last t->len bytes is valid.
 * The bytes themselves stay in the buffer: the caller shortens it (for an mbuf,
 * rte_pktmbuf_trim() of t->len plus any padding after t->ip_len).
 * @return TRL_OK, or TRL_E_BAD_IP if 't' does not match the packet's total length.
 */
enum trl_status trl_strip(uint8_t *ip, size_t len, const struct trl_info *t);

/**
 * Append a trailer with t->terminal_id, t->app_id, t->flags (and t->tag when
 * TRL_F_AUTH is set) to the IPv4 packet 'ip', in place: it is written at the packet's
 * end (its total length), and the lengths and checksums are updated as trl_strip()
 * undoes. t->len is set; the other fields of 't' are only read.
 * @param cap  bytes writable at 'ip' (the packet plus the room after it).
 * @return TRL_OK; TRL_E_BAD_IP; TRL_E_FRAGMENT; TRL_E_BAD_FLAGS (reserved bits);
 *   TRL_E_BAD_ID (an ID of 0); TRL_E_BAD_L4 (TCP/UDP/ICMP header cut short, UDP length
 *   not the IP payload's);
 *   TRL_E_TOO_BIG (no room for t->len more bytes in 'cap' or in 65535). On any
 *   error the packet is unchanged.
 */
enum trl_status trl_append(uint8_t *ip, size_t cap, struct trl_info *t);

/**
 * Build the 32-byte message the tag covers (docs/trailer.md, "Authentication tag")
 * from the packet's addresses and protocol, t->sport/t->dport, and the trailer fields
 * of 't' (app ID, terminal ID, flags, version, length, magic, as on the wire).
 * Works on the packet with or without its trailer: only the IPv4 header is read.
 * @return TRL_OK, or TRL_E_BAD_IP if fewer than 20 bytes are present.
 */
enum trl_status trl_auth_msg(const uint8_t *ip, size_t len, const struct trl_info *t,
			     uint8_t msg[TRL_AUTH_MSG_LEN]);

/**
 * Fill t->proto, t->sport and t->dport from the packet (for an encoder, before
 * trl_auth_msg() and trl_append()).
 * @return TRL_OK, TRL_E_BAD_IP, TRL_E_FRAGMENT or TRL_E_BAD_L4.
 */
enum trl_status trl_flow_of(const uint8_t *ip, size_t len, struct trl_info *t);

/** @return the stable lower-case name of 's' ("bad_version", "too_big", ...); "?" when out of range. */
const char *trl_status_name(enum trl_status s);

#endif /* TRL_H */

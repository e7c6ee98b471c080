/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The anti-replay window of an inbound SA (RFC 4303 section 3.4.3), kept as the
 * block bitmap of RFC 6479 (64-bit blocks; the window slides by whole blocks, so a
 * packet that moves it clears at most a few words), with the receiver's
 * reconstruction of extended sequence numbers (RFC 4303 Appendix A.2).
 *
 * gw-core keeps this itself instead of using rte_ipsec's window: in DPDK 22.11
 * (lib/ipsec/ipsec_sqn.h, esn_inb_update_sqn()) the bit to set is held in a 32-bit
 * variable, so sequence numbers whose position in their 64-bit block is 32..63 are
 * never marked as seen, and a copy of such a packet is accepted as often as it is
 * sent. rte_ipsec still keeps its window for ESN SAs (it needs the highest sequence
 * number to rebuild the high half it authenticates); this one decides.
 *
 * Not thread-safe: the caller serialises the check and the update of one window
 * (gwc_sa.c holds a spinlock around each burst's pass).
 */
#ifndef GWC_REPLAY_H
#define GWC_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** One window. Allocate gwc_replay_size() bytes and call gwc_replay_init(). */
struct gwc_replay {
	uint64_t top;     /**< the highest sequence number accepted (64-bit with ESN) */
	uint32_t win;     /**< window size, packets: [top - win + 1, top] is tracked; 0: no check */
	uint32_t mask;    /**< number of blocks - 1 (blocks: a power of two, at least ceil(win / 64) + 1) */
	bool esn;         /**< 64-bit sequence numbers, of which packets carry the low half */
	uint64_t bits[];  /**< block b holds sequence numbers 64 * b' .. 64 * b' + 63, b = b' & mask */
};

/** Blocks for a window of 'win' packets: room for the window plus the block 'top' is in. */
static inline uint32_t
gwc_replay_blocks(uint32_t win)
{
	uint32_t n = (win + 63) / 64 + 1, p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/**
 * The window an SA asking for 'win' packets gets: 'win', but with 'esn' at least 64 (as
 * rte_ipsec does, so that both rebuild the same high half).
 */
static inline uint32_t
gwc_replay_win(uint32_t win, bool esn)
{
	return esn && win < 64 ? 64 : win;
}

/** @return bytes gwc_replay_init(r, win, esn, ...) needs at 'r' ('win' 0 allowed). */
static inline size_t
gwc_replay_size(uint32_t win, bool esn)
{
	return sizeof(struct gwc_replay) +
	       (size_t)gwc_replay_blocks(gwc_replay_win(win, esn)) * sizeof(uint64_t);
}

/**
 * Set up 'r' (gwc_replay_size(win, esn) bytes) for a window of gwc_replay_win(win, esn)
 * packets. 'top':
 * the highest sequence number already seen, 0 for a new SA; when it is not 0 (an SA
 * installed again, e.g. after a gw-core restart) everything in the window counts as
 * seen, since what was is not known: a late packet is lost rather than a replay let in.
 */
static inline void
gwc_replay_init(struct gwc_replay *r, uint32_t win, bool esn, uint64_t top)
{
	uint32_t i, n;

	win = gwc_replay_win(win, esn);
	n = gwc_replay_blocks(win);
	r->top = top;
	r->win = win;
	r->mask = n - 1;
	r->esn = esn;
	for (i = 0; i < n; i++)
		r->bits[i] = top != 0 ? UINT64_MAX : 0;
	if (top != 0)   /* in top's block, what lies right of top is still to come */
		r->bits[(top >> 6) & r->mask] = UINT64_MAX >> (63 - (top & 63));
}

/**
 * The full sequence number of a packet carrying 'seql' (its ESP header's, host
 * order): 'seql' itself without ESN; with ESN the high half that puts it in or
 * right of the window (RFC 4303 Appendix A.2.2). The ICV decides whether it was right.
 */
static inline uint64_t
gwc_replay_seq(const struct gwc_replay *r, uint32_t seql)
{
	uint32_t tl = (uint32_t)r->top, th = (uint32_t)(r->top >> 32);
	uint32_t bl = tl - r->win + 1;   /* the window's left edge, low half (may wrap) */

	if (!r->esn)
		return seql;
	if (tl >= r->win - 1)            /* case A: the window lies in one subspace */
		th += seql < bl;
	else if (th != 0)                /* case B: it spans two; 'seql' may be in the lower */
		th -= seql >= bl;
	return (uint64_t)th << 32 | seql;
}

/**
 * May sequence number 'seq' be new? Right of the window, or inside it and not seen.
 * Sequence number 0 is never valid (RFC 4303 section 2.2: the first is 1). For
 * before the ICV check, so that a replay costs no decryption; gwc_replay_update()
 * decides.
 */
static inline bool
gwc_replay_check(const struct gwc_replay *r, uint64_t seq)
{
	if (r->win == 0)
		return true;
	if (seq == 0)
		return false;
	if (seq > r->top)
		return true;
	if (r->top - seq >= r->win)
		return false;                /* left of the window */
	return !(r->bits[(seq >> 6) & r->mask] & (UINT64_C(1) << (seq & 63)));
}

/**
 * Record 'seq' of a packet whose ICV verified: slide the window when it is right of
 * it. @return false when 'seq' was seen already or is left of the window (the packet
 * must be dropped: another copy got in first), true when it is now recorded.
 */
static inline bool
gwc_replay_update(struct gwc_replay *r, uint64_t seq)
{
	uint64_t *w, bit = UINT64_C(1) << (seq & 63);

	if (r->win == 0)
		return true;
	if (seq == 0)
		return false;
	if (seq > r->top) {
		uint64_t b = r->top >> 6, nb = seq >> 6, n = nb - b;

		if (n > (uint64_t)r->mask + 1)
			n = (uint64_t)r->mask + 1;
		while (n-- != 0)                     /* blocks the window slides into */
			r->bits[(nb - n) & r->mask] = 0;
		__atomic_store_n(&r->top, seq, __ATOMIC_RELAXED);   /* read by status */
	} else if (r->top - seq >= r->win) {
		return false;
	}
	w = &r->bits[(seq >> 6) & r->mask];
	if (*w & bit)
		return false;
	*w |= bit;
	return true;
}

#endif /* GWC_REPLAY_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the trailer codec (trailer/trl.h). For any input:
 *  - trl_decode() and trl_flow_of() stay inside the buffer (ASan) and never crash;
 *  - a decoded trailer strips, and every checksum that verified still verifies;
 *  - a trailer appended with fields from the input's first bytes decodes to exactly
 *    those fields, keeps valid checksums valid, and strips back to the original packet
 *    (a checksum may come back as the other one's-complement zero, 0x0000 <-> 0xffff).
 * Build and run: make fuzz (FUZZ_SECONDS=...); make check runs it for a bounded time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trl.h"

#define CAP 2048

static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* The reference: a full recomputation. bit 0: IP header valid; bit 1: L4 valid. */
static int
sums_ok(const uint8_t *ip)
{
	size_t hl = (size_t)(ip[0] & 0x0f) * 4, tot = (size_t)(ip[2] << 8 | ip[3]);
	size_t l4 = tot - hl;
	int r = sum16(ip, hl, 0) == 0xffff;
	uint32_t s;

	switch (ip[9]) {
	case 6:
	case 17:
		if (ip[9] == 17 && l4 >= 8 && ip[hl + 6] == 0 && ip[hl + 7] == 0)
			return r | 2;   /* no UDP checksum */
		s = sum16(ip + 12, 8, 0) + ip[9] + (uint32_t)l4;
		r |= (sum16(ip + hl, l4, s) == 0xffff) << 1;
		break;
	case 1:
		r |= (sum16(ip + hl, l4, 0) == 0xffff) << 1;
		break;
	default:
		r |= 2;
		break;
	}
	return r;
}

static int
same_csum(const uint8_t *a, const uint8_t *b)
{
	uint16_t x = (uint16_t)(a[0] << 8 | a[1]), y = (uint16_t)(b[0] << 8 | b[1]);

	return x == y || ((x == 0 || x == 0xffff) && (y == 0 || y == 0xffff));
}

/* 'a' and 'b' (n bytes) equal but for the checksum fields' two zeros. */
static int
same_packet(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t hl = (size_t)(a[0] & 0x0f) * 4, ck = 0, i;

	switch (a[9]) {
	case 6:
		ck = hl + 16;
		break;
	case 17:
		ck = hl + 6;
		break;
	case 1:
		ck = hl + 2;
		break;
	}
	for (i = 0; i < n; i++) {
		if (i == 10 || (ck != 0 && i == ck)) {
			if (!same_csum(a + i, b + i))
				return 0;
			i++;
			continue;
		}
		if (a[i] != b[i])
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[CAP], orig[CAP];
	struct trl_info t, d;
	size_t n, tot;
	int before;

	if (size < 16 || size - 16 > CAP - 32)
		return 0;
	/* Whatever the input is, decode it (a fresh heap copy: ASan sees its bounds). */
	{
		uint8_t *exact = malloc(size - 16 ? size - 16 : 1);

		memcpy(exact, data + 16, size - 16);
		if (trl_decode(exact, size - 16, &d) == TRL_OK) {
			before = sums_ok(exact);
			if (trl_strip(exact, size - 16, &d) != TRL_OK)
				abort();
			if ((sums_ok(exact) & before) != before)
				abort();
		}
		(void)trl_flow_of(exact, size - 16, &t);
		free(exact);
	}

	/* Append fields from the first 16 bytes to the rest, then undo it. */
	memset(&t, 0, sizeof(t));
	memcpy(&t.terminal_id, data, 4);
	memcpy(&t.app_id, data + 4, 4);
	t.flags = data[8] & (TRL_F_AUTH | TRL_F_FLOW_START);
	memcpy(t.tag, data + 8, TRL_TAG_LEN);
	n = size - 16;
	memset(buf, 0, CAP);     /* the packet's total length may run past the input */
	memcpy(buf, data + 16, n);
	memcpy(orig, buf, CAP);
	if (trl_append(buf, CAP, &t) != TRL_OK) {
		if (memcmp(buf, orig, CAP) != 0)
			abort();        /* a refusal must not touch the packet */
		return 0;
	}
	tot = (size_t)(buf[2] << 8 | buf[3]);
	before = sums_ok(orig);
	if ((sums_ok(buf) & before) != before)
		abort();
	if (trl_decode(buf, tot, &d) != TRL_OK || d.terminal_id != t.terminal_id ||
	    d.app_id != t.app_id || d.flags != t.flags || d.len != t.len ||
	    ((t.flags & TRL_F_AUTH) && memcmp(d.tag, t.tag, TRL_TAG_LEN) != 0))
		abort();
	if (trl_strip(buf, tot, &d) != TRL_OK || !same_packet(buf, orig, tot - d.len))
		abort();
	return 0;
}

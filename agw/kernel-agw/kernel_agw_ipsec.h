/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Copyright (C) 2026 AGW developers
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup kernel_agw_ipsec_i kernel_agw_ipsec
 * @{ @ingroup kernel_agw
 */

#ifndef KERNEL_AGW_IPSEC_H_
#define KERNEL_AGW_IPSEC_H_

#include <kernel/kernel_ipsec.h>

typedef struct kernel_agw_ipsec_t kernel_agw_ipsec_t;

/**
 * kernel_ipsec_t on AGW's gw-core (docs/ike.md).
 *
 * Mapping: an IKE_SA's connection named "SLICE" or "SLICE/ANYTHING" puts its CHILD_SAs
 * into gw-core slice SLICE. Every CHILD_SA reqid becomes one gw-core endpoint of type
 * ipsec ("ike-REQID"), joined through the slice's link endpoint (option "link", default
 * "ipsec", created by the manager with the slice's address pool), with the CHILD_SA's
 * traffic selectors (addresses only; at most 4 prefixes a side). Its SAs are added with
 * sa.add: AES-GCM-16 (key with 4-byte salt) or AES-CBC + HMAC-SHA-256-128; tunnel
 * mode, IPv4, ESN, replay window up to 4096, NAT-T (RFC 3948). Policies are reference
 * counted here: gw-core routes by the endpoint's selectors, so a policy is the
 * bookkeeping charon expects (rekeys add a policy before deleting the old one).
 *
 * The gw-core connection, its reconnect-and-resync and the poller live in
 * kernel_agw_shared.c; this object holds the SA, tunnel and policy model and the
 * kernel_ipsec_t methods.
 *
 * Threads: every method may be called from any charon thread; one mutex serialises
 * them and the poller (a scheduled job every "poll_interval" ms) that reads gw-core's
 * counters, raises soft/hard byte/packet expiries through charon->kernel->expire()
 * and, after gw-core restarts, re-installs every live SA (outbound sequence numbers
 * continue from the last reading plus "sqn_margin", so none is ever reused).
 *
 * Keys stay in charon's memory only (never logged; wiped when freed).
 */
struct kernel_agw_ipsec_t {

	/**
	 * Implements kernel_ipsec_t interface
	 */
	kernel_ipsec_t interface;
};

/**
 * Create the gw-core kernel-ipsec backend and connect to gw-core (a missing gw-core
 * is not fatal: the poller keeps trying, and SAs added meanwhile fail with a log line).
 *
 * @return			kernel_agw_ipsec_t instance; NULL only on out of memory
 */
kernel_agw_ipsec_t *kernel_agw_ipsec_create(void);

#endif /** KERNEL_AGW_IPSEC_H_ @}*/

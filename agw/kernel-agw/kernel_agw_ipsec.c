/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Copyright (C) 2026 AGW developers
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kernel_agw_ipsec.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <daemon.h>
#include <collections/linked_list.h>
#include <processing/jobs/callback_job.h>
#include <threading/mutex.h>

#include <json-c/json.h>

#include "agw_json.h"
#include "kernel_agw_shared.h"

/** Prefixes a side of a gw-core ipsec endpoint (GWC_MAX_TS) */
#define MAX_PREFIXES 4

/** Largest replay window gw-core takes */
#define MAX_REPLAY_WINDOW 4096

/** Bytes of a gw-core name, with the NUL (GWC_NAME_MAX) */
#define NAME_MAX_LEN 64

typedef struct private_kernel_agw_ipsec_t private_kernel_agw_ipsec_t;

/**
 * One CHILD_SA lineage (reqid): a gw-core ipsec endpoint.
 */
typedef struct {
	/** reqid shared by the CHILD_SA and its rekeyed successors */
	uint32_t reqid;
	/** gw-core slice */
	char slice[NAME_MAX_LEN];
	/** the slice's ipsec link endpoint this tunnel joins */
	char link[NAME_MAX_LEN];
	/** gw-core endpoint name, "ike-REQID" */
	char name[NAME_MAX_LEN];
	/** "a.b.c.d/len" of the terminal's side (remote) and ours (local) */
	char remote[MAX_PREFIXES][24], local[MAX_PREFIXES][24];
	int n_remote, n_local;
	/** SAs using it */
	u_int refs;
	/** exists in the gw-core we are connected to */
	bool installed;
} tunnel_t;

/**
 * One SA, kept with its keys so that a restarted gw-core can be re-programmed.
 */
typedef struct {
	/** SPI, network order */
	uint32_t spi;
	bool inbound;
	/** outer addresses, ports set when UDP-encapsulated */
	host_t *src, *dst;
	bool encap;
	tunnel_t *tunnel;
	uint16_t enc_alg;
	chunk_t enc_key, int_key;
	bool esn;
	uint32_t replay_window;
	lifetime_cfg_t lifetime;
	/** outbound: last sequence number known used; inbound: the highest accepted (from gw-core) */
	uint64_t sqn;
	/** last reading of gw-core's counters */
	uint64_t bytes, packets;
	/** monotonic time of last use, 0: never */
	time_t use_time;
	/** expiry already raised: 0 none, 1 soft, 2 hard */
	int expired;
	/** exists in the gw-core we are connected to */
	bool installed;
	/** lost by a gw-core restart and not re-installed yet: retried by the poller */
	bool pending;
} sa_entry_t;

/**
 * A policy charon installed, reference counted.
 */
typedef struct {
	/** slice of the IKE_SA that installed it ("" if none) */
	char slice[NAME_MAX_LEN];
	policy_dir_t dir;
	traffic_selector_t *src_ts, *dst_ts;
	mark_t mark;
	uint32_t if_id;
	uint32_t reqid;
	u_int refs;
} policy_entry_t;

/**
 * Private data of a kernel_agw_ipsec_t object.
 */
struct private_kernel_agw_ipsec_t {

	/** Public interface */
	kernel_agw_ipsec_t public;

	/** Serialises every method and the poller */
	mutex_t *mutex;

	/** The connection to gw-core, its resync and poller (kernel_agw_shared.c) */
	kernel_agw_shared_t *gwc;

	/** Options (charon.plugins.kernel-agw.*) */
	char *link;
	uint64_t sqn_margin;

	/** sa_entry_t, tunnel_t, policy_entry_t */
	linked_list_t *sas, *tunnels, *policies;

	/** SPIs handed out by get_spi and not yet installed (uintptr_t, network order) */
	linked_list_t *spis;

	/** SPI source */
	rng_t *rng;
};

static void sa_entry_destroy(sa_entry_t *sa)
{
	sa->src->destroy(sa->src);
	sa->dst->destroy(sa->dst);
	chunk_clear(&sa->enc_key);
	chunk_clear(&sa->int_key);
	free(sa);
}

static void policy_entry_destroy(policy_entry_t *p)
{
	p->src_ts->destroy(p->src_ts);
	p->dst_ts->destroy(p->dst_ts);
	free(p);
}

/**
 * Send one request through the shared connection (kernel_agw_shared_t.call).
 * Mutex held.
 */
static int call(private_kernel_agw_ipsec_t *this, const char *op, json_object *args,
				json_object **res, struct gwc_conn_err *e)
{
	return this->gwc->call(this->gwc, op, args, res, e);
}

static void ip_str(host_t *h, char *buf, size_t len)
{
	chunk_t a = h->get_address(h);

	if (!inet_ntop(AF_INET, a.ptr, buf, len))
		snprintf(buf, len, "?");
}

/**
 * Split the IPv4 range [from, to] (host order) into at most 'max' prefixes.
 * Returns the number written, or -1 if it needs more.
 */
static int range_to_prefixes(uint32_t first, uint32_t last, char out[][24], int max)
{
	uint64_t from = first, to = last;
	int n = 0;

	for (;;)
	{
		/* the largest aligned block starting at 'from' that ends by 'to' */
		uint64_t size = from ? (from & -from) : (uint64_t)1 << 32;
		uint32_t a;
		int len = 0;

		while (from + size - 1 > to)
		{
			size >>= 1;
		}
		while (((uint64_t)1 << (32 - len)) > size)
		{
			len++;
		}
		if (n == max)
		{
			return -1;
		}
		a = htonl((uint32_t)from);
		inet_ntop(AF_INET, &a, out[n], 16);
		snprintf(out[n] + strlen(out[n]), 24 - strlen(out[n]), "/%d", len);
		n++;
		if (from + size - 1 >= to)
		{
			return n;
		}
		from += size;
	}
}

/**
 * The address prefixes of a list of traffic selectors. Returns the count, or -1
 * (IPv6, or more than MAX_PREFIXES prefixes) with a log line naming the selector.
 */
static int ts_to_prefixes(linked_list_t *list, char out[][24])
{
	enumerator_t *enumerator;
	traffic_selector_t *ts;
	int n = 0, k;

	enumerator = list->create_enumerator(list);
	while (enumerator->enumerate(enumerator, &ts))
	{
		chunk_t from, to;

		if (ts->get_type(ts) != TS_IPV4_ADDR_RANGE)
		{
			DBG1(DBG_KNL, "kernel-agw: traffic selector %R is not IPv4; gw-core "
				 "carries IPv4 only", ts);
			n = -1;
			break;
		}
		/* borrowed: the selector's own bytes */
		from = ts->get_from_address(ts);
		to = ts->get_to_address(ts);
		k = range_to_prefixes(untoh32(from.ptr), untoh32(to.ptr), out + n,
							  MAX_PREFIXES - n);
		if (k < 0)
		{
			DBG1(DBG_KNL, "kernel-agw: traffic selectors need more than %d "
				 "prefixes a side (at %R)", MAX_PREFIXES, ts);
			n = -1;
			break;
		}
		if (ts->get_protocol(ts) != 0 || ts->get_from_port(ts) != 0 ||
			ts->get_to_port(ts) != 0xffff)
		{
			DBG1(DBG_KNL, "kernel-agw: traffic selector %R: gw-core checks "
				 "addresses only, not protocol or ports", ts);
		}
		n += k;
	}
	enumerator->destroy(enumerator);
	return n;
}

static json_object *prefix_array(char p[][24], int n)
{
	json_object *a = json_object_new_array();
	int i;

	for (i = 0; i < n; i++)
	{
		json_object_array_add(a, json_object_new_string(p[i]));
	}
	return a;
}

/**
 * Create the tunnel's endpoint in gw-core. Mutex held.
 */
static status_t tunnel_install(private_kernel_agw_ipsec_t *this, tunnel_t *t)
{
	struct gwc_conn_err e;
	json_object *args = json_object_new_object();

	agw_json_add_str(args, "slice", t->slice);
	agw_json_add_str(args, "name", t->name);
	agw_json_add_str(args, "type", "ipsec");
	agw_json_add_str(args, "link", t->link);
	json_object_object_add(args, "ts_remote", prefix_array(t->remote, t->n_remote));
	if (t->n_local > 0)
	{
		json_object_object_add(args, "ts_local", prefix_array(t->local, t->n_local));
	}
	if (call(this, "endpoint.add", args, NULL, &e) != 0)
	{
		DBG1(DBG_KNL, "kernel-agw: gw-core refused endpoint %s in slice %s: %s: %s",
			 t->name, t->slice, e.code, e.message);
		return FAILED;
	}
	t->installed = TRUE;
	return SUCCESS;
}

/**
 * Add the SA to gw-core; sqn_extra is added to its (outbound) sequence number.
 * Mutex held.
 */
static status_t sa_install(private_kernel_agw_ipsec_t *this, sa_entry_t *sa,
						   uint64_t sqn_extra)
{
	struct gwc_conn_err e;
	json_object *args, *res = NULL;
	char buf[INET6_ADDRSTRLEN];
	chunk_t hex;
	int rc;

	if (!sa->tunnel->installed && tunnel_install(this, sa->tunnel) != SUCCESS)
	{
		return FAILED;
	}
	args = json_object_new_object();
	agw_json_add_str(args, "slice", sa->tunnel->slice);
	agw_json_add_str(args, "endpoint", sa->tunnel->name);
	agw_json_add_u64(args, "spi", ntohl(sa->spi));
	agw_json_add_str(args, "dir", sa->inbound ? "in" : "out");
	ip_str(sa->src, buf, sizeof(buf));
	agw_json_add_str(args, "src", buf);
	ip_str(sa->dst, buf, sizeof(buf));
	agw_json_add_str(args, "dst", buf);
	if (sa->encap)
	{
		agw_json_add_u64(args, "sport", sa->src->get_port(sa->src));
		agw_json_add_u64(args, "dport", sa->dst->get_port(sa->dst));
	}
	hex = chunk_to_hex(sa->enc_key, NULL, FALSE);
	agw_json_add_str(args, "key", (char*)hex.ptr);
	chunk_clear(&hex);
	if (sa->enc_alg == ENCR_AES_CBC)
	{
		agw_json_add_str(args, "alg", "aes-cbc-hmac-sha256");
		hex = chunk_to_hex(sa->int_key, NULL, FALSE);
		agw_json_add_str(args, "integ_key", (char*)hex.ptr);
		chunk_clear(&hex);
	}
	else
	{
		agw_json_add_str(args, "alg", "aes-gcm-16");
	}
	if (sa->esn)
	{
		json_object_object_add(args, "esn", json_object_new_boolean(1));
	}
	if (sa->inbound)
	{
		agw_json_add_u64(args, "replay_window", sa->replay_window);
	}
	/* inbound: the highest sequence number gw-core had accepted, so that an SA
	 * installed again does not take back what came before it */
	if (sa->sqn + sqn_extra > 0)
	{
		agw_json_add_u64(args, "sqn", sa->sqn + sqn_extra);
	}
	if (sa->lifetime.bytes.rekey)
	{
		agw_json_add_u64(args, "soft_bytes", sa->lifetime.bytes.rekey);
	}
	if (sa->lifetime.bytes.life)
	{
		agw_json_add_u64(args, "hard_bytes", sa->lifetime.bytes.life);
	}
	if (sa->lifetime.packets.rekey)
	{
		agw_json_add_u64(args, "soft_packets", sa->lifetime.packets.rekey);
	}
	if (sa->lifetime.packets.life)
	{
		agw_json_add_u64(args, "hard_packets", sa->lifetime.packets.life);
	}
	rc = call(this, "sa.add", args, &res, &e);
	if (res)
	{
		json_object_put(res);
	}
	if (rc != 0)
	{
		DBG1(DBG_KNL, "kernel-agw: gw-core refused %s SA %.8x in slice %s: %s: %s",
			 sa->inbound ? "inbound" : "outbound", ntohl(sa->spi), sa->tunnel->slice,
			 e.code, e.message);
		return FAILED;
	}
	sa->installed = TRUE;
	if (!sa->inbound)
	{
		sa->sqn += sqn_extra;
	}
	return SUCCESS;
}

/**
 * Remove the SA from gw-core. Mutex held.
 */
static void sa_uninstall(private_kernel_agw_ipsec_t *this, sa_entry_t *sa)
{
	struct gwc_conn_err e;
	json_object *args;
	char buf[INET6_ADDRSTRLEN];

	if (!sa->installed)
	{
		return;
	}
	args = json_object_new_object();
	agw_json_add_u64(args, "spi", ntohl(sa->spi));
	agw_json_add_str(args, "dir", sa->inbound ? "in" : "out");
	if (!sa->inbound)
	{
		ip_str(sa->dst, buf, sizeof(buf));
		agw_json_add_str(args, "dst", buf);
	}
	if (call(this, "sa.del", args, NULL, &e) == -1)
	{
		DBG1(DBG_KNL, "kernel-agw: gw-core refused to delete SA %.8x: %s: %s",
			 ntohl(sa->spi), e.code, e.message);
	}
	sa->installed = FALSE;
}

/**
 * Drop a tunnel reference; the last one removes its endpoint. Mutex held.
 */
static void tunnel_unref(private_kernel_agw_ipsec_t *this, tunnel_t *t)
{
	struct gwc_conn_err e;
	json_object *args;

	if (--t->refs > 0)
	{
		return;
	}
	if (t->installed)
	{
		args = json_object_new_object();
		agw_json_add_str(args, "slice", t->slice);
		agw_json_add_str(args, "name", t->name);
		if (call(this, "endpoint.del", args, NULL, &e) == -1)
		{
			DBG1(DBG_KNL, "kernel-agw: gw-core refused to remove endpoint %s: %s: %s",
				 t->name, e.code, e.message);
		}
	}
	this->tunnels->remove(this->tunnels, t, NULL);
	free(t);
}

/**
 * Does this gw-core SA object (from sa.list) describe 'sa'?
 */
static bool sa_matches(sa_entry_t *sa, json_object *o)
{
	char buf[INET6_ADDRSTRLEN];
	const char *spi = agw_json_str(o, "spi");

	if (strtoul(spi, NULL, 0) != ntohl(sa->spi) ||
		strcmp(agw_json_str(o, "dir"), sa->inbound ? "in" : "out") != 0)
	{
		return FALSE;
	}
	ip_str(sa->dst, buf, sizeof(buf));
	return strcmp(agw_json_str(o, "dst"), buf) == 0;
}

/**
 * Take gw-core's counters and expiry state for 'sa' from its sa.list object, and
 * raise expiries charon has not heard of yet. Mutex held; charon->kernel->expire()
 * only queues a job, so calling it here is safe.
 */
static void sa_update_from(private_kernel_agw_ipsec_t *this, sa_entry_t *sa,
						   json_object *o)
{
	const char *state = agw_json_str(o, "state");
	uint64_t packets = (uint64_t)agw_json_int(o, "packets", 0, NULL);
	json_object *v;

	if (packets != sa->packets)
	{
		sa->use_time = time_monotonic(NULL);
		if (json_object_object_get_ex(o, "idle_ms", &v))
		{
			sa->use_time -= (time_t)(json_object_get_int64(v) / 1000);
		}
	}
	sa->packets = packets;
	sa->bytes = (uint64_t)agw_json_int(o, "bytes", 0, NULL);
	/* outbound: sequence numbers used; inbound: the highest accepted */
	if ((uint64_t)agw_json_int(o, "sqn", 0, NULL) > sa->sqn)
	{
		sa->sqn = (uint64_t)agw_json_int(o, "sqn", 0, NULL);
	}
	if (strcmp(state, "hard_expired") == 0 && sa->expired < 2)
	{
		DBG1(DBG_KNL, "kernel-agw: SA %.8x reached its hard byte/packet limit",
			 ntohl(sa->spi));
		sa->expired = 2;
		charon->kernel->expire(charon->kernel, IPPROTO_ESP, sa->spi, sa->dst, TRUE);
	}
	else if (strcmp(state, "soft_expired") == 0 && sa->expired < 1)
	{
		DBG1(DBG_KNL, "kernel-agw: SA %.8x reached its soft byte/packet limit",
			 ntohl(sa->spi));
		sa->expired = 1;
		charon->kernel->expire(charon->kernel, IPPROTO_ESP, sa->spi, sa->dst, FALSE);
	}
}

/**
 * Read gw-core's counters and state of our SAs into them: of every one, or only of
 * 'one' when given (sa.list filtered by its SPI and direction). Returns how many of
 * ours gw-core listed, or -1 if it could not be asked. Mutex held.
 */
static int read_sas(private_kernel_agw_ipsec_t *this, sa_entry_t *one)
{
	struct gwc_conn_err e;
	json_object *args = NULL, *res = NULL, *list, *o;
	enumerator_t *enumerator;
	sa_entry_t *sa;
	size_t i, n;
	int found = 0;

	if (one)
	{
		args = json_object_new_object();
		agw_json_add_u64(args, "spi", ntohl(one->spi));
		agw_json_add_str(args, "dir", one->inbound ? "in" : "out");
	}
	if (call(this, "sa.list", args, &res, &e) != 0)
	{
		return -1;
	}
	if (!json_object_object_get_ex(res, "sas", &list))
	{
		json_object_put(res);
		return -1;
	}
	n = json_object_array_length(list);
	for (i = 0; i < n; i++)
	{
		o = json_object_array_get_idx(list, i);
		if (strcmp(agw_json_str(o, "owner"), this->gwc->get_client(this->gwc)) != 0)
		{
			continue;
		}
		if (one)
		{
			if (sa_matches(one, o))
			{
				sa_update_from(this, one, o);
				found++;
			}
			continue;
		}
		enumerator = this->sas->create_enumerator(this->sas);
		while (enumerator->enumerate(enumerator, &sa))
		{
			if (sa_matches(sa, o))
			{
				sa_update_from(this, sa, o);
				found++;
				break;
			}
		}
		enumerator->destroy(enumerator);
	}
	json_object_put(res);
	return found;
}

/**
 * Install the SAs a gw-core restart lost (pending), outbound ones past their last
 * known sequence number plus sqn_margin. Called by resync and, for those it could
 * not install (e.g. the manager had not re-created their slice's link endpoint in the
 * restarted gw-core yet), at every poll. Mutex held.
 * @return how many were installed
 */
static int install_pending(private_kernel_agw_ipsec_t *this)
{
	enumerator_t *enumerator;
	sa_entry_t *sa;
	int ok = 0;

	enumerator = this->sas->create_enumerator(this->sas);
	while (this->gwc->is_connected(this->gwc) && enumerator->enumerate(enumerator, &sa))
	{
		if (sa->pending && sa->expired < 2 &&
			sa_install(this, sa, sa->inbound ? 0 : this->sqn_margin) == SUCCESS)
		{
			sa->pending = FALSE;
			ok++;
		}
	}
	enumerator->destroy(enumerator);
	return ok;
}

/**
 * After a (re)connect: if gw-core lost our SAs (it restarted), clear whatever of
 * ours it has and install every SA again, outbound ones past their last known
 * sequence number plus sqn_margin. Mutex held.
 */
static void resync(private_kernel_agw_ipsec_t *this)
{
	struct gwc_conn_err e;
	enumerator_t *enumerator;
	tunnel_t *t;
	sa_entry_t *sa;
	json_object *res = NULL;
	int found, total = this->sas->get_count(this->sas), ok = 0;

	found = read_sas(this, NULL);
	if (found < 0 || !this->gwc->is_connected(this->gwc))
	{
		return;
	}
	if (found == total && total > 0)
	{
		DBG1(DBG_KNL, "kernel-agw: reconnected to gw-core; its %d SAs are ours", total);
		return;
	}
	if (call(this, "owner.flush", NULL, &res, &e) != 0)
	{
		return;
	}
	if (res && (uint64_t)agw_json_int(res, "removed", 0, NULL) > 0)
	{
		DBG1(DBG_KNL, "kernel-agw: removed %llu stale objects of '%s' from gw-core",
			 (unsigned long long)(uint64_t)agw_json_int(res, "removed", 0, NULL), this->gwc->get_client(this->gwc));
	}
	if (res)
	{
		json_object_put(res);
	}
	enumerator = this->tunnels->create_enumerator(this->tunnels);
	while (enumerator->enumerate(enumerator, &t))
	{
		t->installed = FALSE;
	}
	enumerator->destroy(enumerator);
	enumerator = this->sas->create_enumerator(this->sas);
	while (enumerator->enumerate(enumerator, &sa))
	{
		sa->installed = FALSE;
		sa->pending = sa->expired < 2;
	}
	enumerator->destroy(enumerator);
	ok = install_pending(this);
	if (total > 0)
	{
		DBG1(DBG_KNL, "kernel-agw: gw-core had lost our SAs; re-installed %d of %d%s",
			 ok, total, ok < total ? " (retrying the others: their slice's link "
			 "endpoint may not be back yet)" : "");
	}
}


/**
 * The poller's work while connected (kernel_agw_shared_cb_t.poll): SAs a gw-core
 * restart lost, then counters and expiries. Mutex held.
 */
static bool poll_sas(private_kernel_agw_ipsec_t *this)
{
	int ok;

	if (this->sas->get_count(this->sas) == 0)
	{
		return FALSE;
	}
	ok = install_pending(this);
	if (ok > 0)
	{
		DBG1(DBG_KNL, "kernel-agw: re-installed %d more SAs in gw-core", ok);
	}
	read_sas(this, NULL);
	return TRUE;
}

/**
 * The callbacks kernel_agw_shared_t calls (mutex held).
 */
static void resync_cb(void *data)
{
	resync(data);
}

static bool poll_cb(void *data)
{
	return poll_sas(data);
}

static sa_entry_t *find_sa(private_kernel_agw_ipsec_t *this, uint32_t spi, host_t *dst)
{
	enumerator_t *enumerator;
	sa_entry_t *sa, *found = NULL;

	enumerator = this->sas->create_enumerator(this->sas);
	while (enumerator->enumerate(enumerator, &sa))
	{
		if (sa->spi == spi && sa->dst->ip_equals(sa->dst, dst))
		{
			found = sa;
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Does one of our inbound SAs, or an SPI handed out and not yet installed, have the
 * bits of 'spi' (network order) that 'mask' (network order) selects? Mutex held.
 */
static bool spi_used(private_kernel_agw_ipsec_t *this, uint32_t spi, uint32_t mask)
{
	enumerator_t *enumerator;
	sa_entry_t *sa;
	uintptr_t p;
	bool used = FALSE;

	enumerator = this->sas->create_enumerator(this->sas);
	while (!used && enumerator->enumerate(enumerator, &sa))
	{
		used = sa->inbound && ((sa->spi ^ spi) & mask) == 0;
	}
	enumerator->destroy(enumerator);
	enumerator = this->spis->create_enumerator(this->spis);
	while (!used && enumerator->enumerate(enumerator, &p))
	{
		used = (((uint32_t)p ^ spi) & mask) == 0;
	}
	enumerator->destroy(enumerator);
	return used;
}

METHOD(kernel_ipsec_t, get_features, kernel_feature_t,
	private_kernel_agw_ipsec_t *this)
{
	return KERNEL_NO_POLICY_UPDATES;
}

METHOD(kernel_ipsec_t, get_spi, status_t,
	private_kernel_agw_ipsec_t *this, host_t *src, host_t *dst,
	uint8_t protocol, uint32_t *spi)
{
	uint32_t v;
	int tries;

	if (protocol != IPPROTO_ESP)
	{
		DBG1(DBG_KNL, "kernel-agw: only ESP SAs are supported");
		return NOT_SUPPORTED;
	}
	this->mutex->lock(this->mutex);
	for (tries = 0; tries < 200; tries++)
	{
		if (!this->rng->get_bytes(this->rng, sizeof(v), (uint8_t*)&v))
		{
			break;
		}
		/* 0xc0000000..0xcfffffff, as the Linux kernel allocates: recognisable in
		 * captures, far from the reserved 1..255 */
		v = htonl(0xc0000000 | (ntohl(v) & 0x0fffffff));
		/* first low 16 bits none of our inbound SPIs has: gw-core's SPI slot for
		 * it is then free, and its packets skip the SPI hash (gw-core/gwc_tables.h);
		 * once those are scarce, any SPI not in use */
		if (!spi_used(this, v, tries < 100 ? htonl(0xffff) : 0xffffffff))
		{
			this->spis->insert_last(this->spis, (void*)(uintptr_t)v);
			this->mutex->unlock(this->mutex);
			*spi = v;
			return SUCCESS;
		}
	}
	this->mutex->unlock(this->mutex);
	DBG1(DBG_KNL, "kernel-agw: unable to allocate an SPI");
	return FAILED;
}

METHOD(kernel_ipsec_t, get_cpi, status_t,
	private_kernel_agw_ipsec_t *this, host_t *src, host_t *dst,
	uint16_t *cpi)
{
	DBG1(DBG_KNL, "kernel-agw: IPComp is not supported by gw-core");
	return NOT_SUPPORTED;
}

/**
 * The slice of the IKE_SA being handled: its connection name up to a '/'. If 'link'
 * is given, it receives the slice's link endpoint: the name after the '/' up to a
 * second '/' (what follows, e.g. the manager's terminal identity, only tells
 * connections apart), or the option 'link' when there is none.
 */
static bool current_slice(private_kernel_agw_ipsec_t *this, char *slice, size_t len,
						  char *link, size_t link_len)
{
	ike_sa_t *ike_sa = charon->bus->get_sa(charon->bus);
	const char *name, *slash, *end;

	if (!ike_sa || !(name = ike_sa->get_name(ike_sa)))
	{
		return FALSE;
	}
	slash = strchr(name, '/');
	snprintf(slice, len, "%.*s", slash ? (int)(slash - name) : (int)strlen(name), name);
	if (link)
	{
		if (slash && slash[1] != '\0' && slash[1] != '/')
		{
			end = strchr(slash + 1, '/');
			snprintf(link, link_len, "%.*s", end ? (int)(end - slash - 1)
											 : (int)strlen(slash + 1), slash + 1);
		}
		else
		{
			snprintf(link, link_len, "%s", this->link);
		}
	}
	return slice[0] != '\0';
}

/**
 * charon allocates reqids by traffic selectors: two slices with the same addresses
 * share one, so a tunnel is found by slice and reqid.
 */
static tunnel_t *find_tunnel(private_kernel_agw_ipsec_t *this, const char *slice,
							 uint32_t reqid)
{
	enumerator_t *enumerator;
	tunnel_t *t, *found = NULL;

	enumerator = this->tunnels->create_enumerator(this->tunnels);
	while (enumerator->enumerate(enumerator, &t))
	{
		if (t->reqid == reqid && strcmp(t->slice, slice) == 0)
		{
			found = t;
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

METHOD(kernel_ipsec_t, add_sa, status_t,
	private_kernel_agw_ipsec_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_add_sa_t *data)
{
	char slice[NAME_MAX_LEN], link[NAME_MAX_LEN];
	tunnel_t *t;
	sa_entry_t *sa;
	bool new_tunnel = FALSE;

	if (id->proto != IPPROTO_ESP || data->mode != MODE_TUNNEL ||
		data->ipcomp != IPCOMP_NONE)
	{
		DBG1(DBG_KNL, "kernel-agw: gw-core does ESP in tunnel mode without IPComp only");
		return NOT_SUPPORTED;
	}
	if (id->src->get_family(id->src) != AF_INET ||
		id->dst->get_family(id->dst) != AF_INET)
	{
		DBG1(DBG_KNL, "kernel-agw: SA %H === %H: gw-core carries IPv4 only",
			 id->src, id->dst);
		return NOT_SUPPORTED;
	}
	if (!(data->enc_alg == ENCR_AES_GCM_ICV16 && data->int_alg == AUTH_UNDEFINED) &&
		!(data->enc_alg == ENCR_AES_CBC && data->int_alg == AUTH_HMAC_SHA2_256_128))
	{
		DBG1(DBG_KNL, "kernel-agw: %N/%N is not supported by gw-core (AES_GCM_16, or "
			 "AES_CBC with HMAC_SHA2_256_128)", encryption_algorithm_names,
			 data->enc_alg, integrity_algorithm_names, data->int_alg);
		return NOT_SUPPORTED;
	}
	if (!current_slice(this, slice, sizeof(slice), link, sizeof(link)))
	{
		DBG1(DBG_KNL, "kernel-agw: SA %.8x has no IKE_SA to name its slice",
			 ntohl(id->spi));
		return FAILED;
	}

	this->mutex->lock(this->mutex);
	t = find_tunnel(this, slice, data->reqid);
	if (!t)
	{
		INIT(t,
			.reqid = data->reqid,
		);
		snprintf(t->slice, sizeof(t->slice), "%s", slice);
		snprintf(t->link, sizeof(t->link), "%s", link);
		snprintf(t->name, sizeof(t->name), "ike-%u", data->reqid);
		t->n_remote = ts_to_prefixes(data->inbound ? data->src_ts : data->dst_ts,
									 t->remote);
		t->n_local = ts_to_prefixes(data->inbound ? data->dst_ts : data->src_ts,
									t->local);
		if (t->n_remote <= 0 || t->n_local < 0)
		{
			free(t);
			this->mutex->unlock(this->mutex);
			return NOT_SUPPORTED;
		}
		this->tunnels->insert_last(this->tunnels, t);
		new_tunnel = TRUE;
	}

	INIT(sa,
		.spi = id->spi,
		.inbound = data->inbound,
		.src = id->src->clone(id->src),
		.dst = id->dst->clone(id->dst),
		.encap = data->encap,
		.tunnel = t,
		.enc_alg = data->enc_alg,
		.enc_key = chunk_clone(data->enc_key),
		.int_key = chunk_clone(data->int_key),
		.esn = data->esn,
		.replay_window = min(data->replay_window, MAX_REPLAY_WINDOW),
		.lifetime = *data->lifetime,
	);
	if (data->inbound && data->replay_window > MAX_REPLAY_WINDOW)
	{
		DBG1(DBG_KNL, "kernel-agw: replay window %u lowered to gw-core's maximum %u",
			 data->replay_window, MAX_REPLAY_WINDOW);
	}
	if (sa_install(this, sa, 0) != SUCCESS)
	{
		sa_entry_destroy(sa);
		if (new_tunnel)
		{
			t->refs = 1;
			tunnel_unref(this, t);
		}
		this->mutex->unlock(this->mutex);
		return FAILED;
	}
	t->refs++;
	this->sas->insert_last(this->sas, sa);
	this->spis->remove(this->spis, (void*)(uintptr_t)id->spi, NULL);
	this->mutex->unlock(this->mutex);
	DBG2(DBG_KNL, "kernel-agw: added %s SA %.8x (reqid %u) to slice %s endpoint %s",
		 data->inbound ? "inbound" : "outbound", ntohl(id->spi), data->reqid, slice,
		 t->name);
	return SUCCESS;
}

METHOD(kernel_ipsec_t, update_sa, status_t,
	private_kernel_agw_ipsec_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_update_sa_t *data)
{
	sa_entry_t *sa;
	host_t *src, *dst;
	status_t status;

	if (data->new_src->get_family(data->new_src) != AF_INET ||
		data->new_dst->get_family(data->new_dst) != AF_INET)
	{
		return NOT_SUPPORTED;
	}
	this->mutex->lock(this->mutex);
	sa = find_sa(this, id->spi, id->dst);
	if (!sa)
	{
		this->mutex->unlock(this->mutex);
		DBG1(DBG_KNL, "kernel-agw: update of unknown SA %.8x", ntohl(id->spi));
		return NOT_FOUND;
	}
	/* gw-core changes an SA's addresses by replacing it: read the sequence number
	 * first, so the outbound one continues where it was */
	read_sas(this, sa);
	sa_uninstall(this, sa);
	src = sa->src;
	dst = sa->dst;
	sa->src = data->new_src->clone(data->new_src);
	sa->dst = data->new_dst->clone(data->new_dst);
	sa->encap = data->new_encap;
	status = sa_install(this, sa, 0);
	if (status != SUCCESS)
	{
		/* back to what gw-core had */
		sa->src->destroy(sa->src);
		sa->dst->destroy(sa->dst);
		sa->src = src;
		sa->dst = dst;
		sa->encap = data->encap;
		sa_install(this, sa, 0);
	}
	else
	{
		DBG1(DBG_KNL, "kernel-agw: SA %.8x moved to %H === %H", ntohl(sa->spi),
			 sa->src, sa->dst);
		src->destroy(src);
		dst->destroy(dst);
	}
	this->mutex->unlock(this->mutex);
	return status;
}

METHOD(kernel_ipsec_t, query_sa, status_t,
	private_kernel_agw_ipsec_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_query_sa_t *data, uint64_t *bytes, uint64_t *packets,
	time_t *time)
{
	sa_entry_t *sa;
	status_t status;

	this->mutex->lock(this->mutex);
	sa = find_sa(this, id->spi, id->dst);
	if (!sa)
	{
		this->mutex->unlock(this->mutex);
		return NOT_FOUND;
	}
	status = read_sas(this, sa) > 0 ? SUCCESS : FAILED;
	if (bytes)
	{
		*bytes = sa->bytes;
	}
	if (packets)
	{
		*packets = sa->packets;
	}
	if (time)
	{
		*time = sa->use_time;
	}
	this->mutex->unlock(this->mutex);
	return status;
}

METHOD(kernel_ipsec_t, del_sa, status_t,
	private_kernel_agw_ipsec_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_del_sa_t *data)
{
	sa_entry_t *sa;
	tunnel_t *t;

	this->mutex->lock(this->mutex);
	/* an SPI allocated for an exchange that failed */
	this->spis->remove(this->spis, (void*)(uintptr_t)id->spi, NULL);
	sa = find_sa(this, id->spi, id->dst);
	if (!sa)
	{
		this->mutex->unlock(this->mutex);
		return NOT_FOUND;
	}
	sa_uninstall(this, sa);
	this->sas->remove(this->sas, sa, NULL);
	t = sa->tunnel;
	DBG2(DBG_KNL, "kernel-agw: deleted %s SA %.8x of endpoint %s",
		 sa->inbound ? "inbound" : "outbound", ntohl(sa->spi), t->name);
	sa_entry_destroy(sa);
	tunnel_unref(this, t);
	this->mutex->unlock(this->mutex);
	return SUCCESS;
}

METHOD(kernel_ipsec_t, flush_sas, status_t,
	private_kernel_agw_ipsec_t *this)
{
	struct gwc_conn_err e;
	json_object *res = NULL;
	sa_entry_t *sa;
	tunnel_t *t;

	this->mutex->lock(this->mutex);
	if (call(this, "owner.flush", NULL, &res, &e) == 0 && res)
	{
		json_object_put(res);
	}
	while (this->sas->remove_first(this->sas, (void**)&sa) == SUCCESS)
	{
		sa_entry_destroy(sa);
	}
	while (this->tunnels->remove_first(this->tunnels, (void**)&t) == SUCCESS)
	{
		free(t);
	}
	this->mutex->unlock(this->mutex);
	return SUCCESS;
}

static policy_entry_t *find_policy(private_kernel_agw_ipsec_t *this,
								   kernel_ipsec_policy_id_t *id)
{
	enumerator_t *enumerator;
	policy_entry_t *p, *found = NULL;
	char slice[NAME_MAX_LEN] = "";

	/* slices may repeat selectors: theirs are different policies */
	current_slice(this, slice, sizeof(slice), NULL, 0);
	enumerator = this->policies->create_enumerator(this->policies);
	while (enumerator->enumerate(enumerator, &p))
	{
		if (p->dir == id->dir && strcmp(p->slice, slice) == 0 &&
			p->mark.value == id->mark.value &&
			p->mark.mask == id->mark.mask && p->if_id == id->if_id &&
			p->src_ts->equals(p->src_ts, id->src_ts) &&
			p->dst_ts->equals(p->dst_ts, id->dst_ts))
		{
			found = p;
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

METHOD(kernel_ipsec_t, add_policy, status_t,
	private_kernel_agw_ipsec_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_manage_policy_t *data)
{
	policy_entry_t *p;

	this->mutex->lock(this->mutex);
	p = find_policy(this, id);
	if (p)
	{
		p->refs++;
		if (data->sa && data->type == POLICY_IPSEC)
		{
			p->reqid = data->sa->reqid;
		}
	}
	else
	{
		INIT(p,
			.dir = id->dir,
			.src_ts = id->src_ts->clone(id->src_ts),
			.dst_ts = id->dst_ts->clone(id->dst_ts),
			.mark = id->mark,
			.if_id = id->if_id,
			.reqid = data->sa && data->type == POLICY_IPSEC ? data->sa->reqid : 0,
			.refs = 1,
		);
		current_slice(this, p->slice, sizeof(p->slice), NULL, 0);
		this->policies->insert_last(this->policies, p);
	}
	DBG2(DBG_KNL, "kernel-agw: policy %R === %R %N (reqid %u): %u references",
		 id->src_ts, id->dst_ts, policy_dir_names, id->dir, p->reqid, p->refs);
	this->mutex->unlock(this->mutex);
	return SUCCESS;
}

METHOD(kernel_ipsec_t, query_policy, status_t,
	private_kernel_agw_ipsec_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_query_policy_t *data, time_t *use_time)
{
	enumerator_t *enumerator;
	policy_entry_t *p;
	sa_entry_t *sa;
	time_t last = 0;
	bool in;

	this->mutex->lock(this->mutex);
	p = find_policy(this, id);
	if (!p)
	{
		this->mutex->unlock(this->mutex);
		return NOT_FOUND;
	}
	/* a policy is used when an SA of its CHILD_SA in its direction is */
	in = p->dir != POLICY_OUT;
	enumerator = this->sas->create_enumerator(this->sas);
	while (enumerator->enumerate(enumerator, &sa))
	{
		if (sa->tunnel->reqid == p->reqid && strcmp(sa->tunnel->slice, p->slice) == 0 &&
			sa->inbound == in && sa->use_time > last)
		{
			last = sa->use_time;
		}
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
	*use_time = last;
	return SUCCESS;
}

METHOD(kernel_ipsec_t, del_policy, status_t,
	private_kernel_agw_ipsec_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_manage_policy_t *data)
{
	policy_entry_t *p;

	this->mutex->lock(this->mutex);
	p = find_policy(this, id);
	if (!p)
	{
		this->mutex->unlock(this->mutex);
		return NOT_FOUND;
	}
	if (--p->refs == 0)
	{
		this->policies->remove(this->policies, p, NULL);
		policy_entry_destroy(p);
	}
	this->mutex->unlock(this->mutex);
	return SUCCESS;
}

METHOD(kernel_ipsec_t, flush_policies, status_t,
	private_kernel_agw_ipsec_t *this)
{
	policy_entry_t *p;

	this->mutex->lock(this->mutex);
	while (this->policies->remove_first(this->policies, (void**)&p) == SUCCESS)
	{
		policy_entry_destroy(p);
	}
	this->mutex->unlock(this->mutex);
	return SUCCESS;
}

METHOD(kernel_ipsec_t, bypass_socket, bool,
	private_kernel_agw_ipsec_t *this, int fd, int family)
{
	/* IKE never meets gw-core's ESP: it reaches charon through the exception TAP */
	return TRUE;
}

METHOD(kernel_ipsec_t, enable_udp_decap, bool,
	private_kernel_agw_ipsec_t *this, int fd, int family, uint16_t port)
{
	/* gw-core takes ESP-in-UDP on 4500 itself and passes the rest to charon */
	return TRUE;
}

METHOD(kernel_ipsec_t, destroy, void,
	private_kernel_agw_ipsec_t *this)
{
	sa_entry_t *sa;

	/* charon deletes its CHILD_SAs before this; whatever is left goes too */
	this->mutex->lock(this->mutex);
	if (this->gwc && this->sas->get_count(this->sas) > 0)
	{
		this->gwc->flush(this->gwc);
	}
	this->mutex->unlock(this->mutex);
	DESTROY_IF(this->gwc);
	while (this->sas->remove_first(this->sas, (void**)&sa) == SUCCESS)
	{
		sa_entry_destroy(sa);
	}
	this->tunnels->destroy_function(this->tunnels, free);
	this->policies->destroy_function(this->policies, (void*)policy_entry_destroy);
	this->sas->destroy(this->sas);
	this->spis->destroy(this->spis);
	DESTROY_IF(this->rng);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header.
 */
kernel_agw_ipsec_t *kernel_agw_ipsec_create()
{
	private_kernel_agw_ipsec_t *this;

	INIT(this,
		.public = {
			.interface = {
				.get_features = _get_features,
				.get_spi = _get_spi,
				.get_cpi = _get_cpi,
				.add_sa = _add_sa,
				.update_sa = _update_sa,
				.query_sa = _query_sa,
				.del_sa = _del_sa,
				.flush_sas = _flush_sas,
				.add_policy = _add_policy,
				.query_policy = _query_policy,
				.del_policy = _del_policy,
				.flush_policies = _flush_policies,
				.bypass_socket = _bypass_socket,
				.enable_udp_decap = _enable_udp_decap,
				.destroy = _destroy,
			},
		},
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.link = lib->settings->get_str(lib->settings,
						"%s.plugins.kernel-agw.link", "ipsec", lib->ns),
		.sqn_margin = lib->settings->get_int(lib->settings,
						"%s.plugins.kernel-agw.sqn_margin", 1 << 26, lib->ns),
		.sas = linked_list_create(),
		.tunnels = linked_list_create(),
		.policies = linked_list_create(),
		.spis = linked_list_create(),
		.rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK),
	);
	if (!this->rng)
	{
		DBG1(DBG_KNL, "kernel-agw: no RNG for SPIs");
		destroy(this);
		return NULL;
	}
	this->gwc = kernel_agw_shared_create(this->mutex, (kernel_agw_shared_cb_t){
							.resync = resync_cb,
							.poll = poll_cb,
						}, this);
	this->gwc->start(this->gwc);
	return &this->public;
}

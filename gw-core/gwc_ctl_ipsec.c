/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control socket operations on IPsec SAs: sa.* (gwc_ctl.h). Keys are read from the
 * request into the SA's config, handed to gwc_ipsec_sa_add() and wiped from every
 * buffer here; never shown. Control thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include <rte_cycles.h>

#include "gwc_ctl.h"
#include "gwc_json.h"
#include "gwc_model.h"
#include "trl_auth.h"

static const struct {
	const char *name;
	enum gwc_sa_alg alg;
} sa_algs[] = {
	{ "aes-gcm-16", GWC_SA_AES_GCM_16 },
	{ "aes-cbc-hmac-sha256", GWC_SA_AES_CBC_SHA256_128 },
};

static int
arg_dir(struct json_object *args, bool *inbound, struct gwc_err *e)
{
	const char *d;
	int rc;

	if ((rc = gwc_arg_str(args, "dir", &d, e)) != 0)
		return rc;
	if (strcmp(d, "in") != 0 && strcmp(d, "out") != 0) {
		gwc_errf(e, "argument 'dir': in or out");
		return -EINVAL;
	}
	*inbound = strcmp(d, "in") == 0;
	return 0;
}

static int
arg_spi(struct json_object *args, uint32_t *spi, struct gwc_err *e)
{
	uint64_t v;
	bool have;
	int rc;

	if ((rc = gwc_arg_uint(args, "spi", UINT32_MAX, &v, &have, e)) != 0)
		return rc;
	if (!have || v == 0) {
		gwc_errf(e, "argument 'spi' (1..4294967295, host order; \"0x...\" works) is required");
		return -EINVAL;
	}
	*spi = (uint32_t)v;
	return 0;
}

/* sa.add: the SA from the arguments; the keys are wiped from every buffer we filled. */
static int
op_sa_add(struct gwc *g, struct gwc_client *c, struct json_object *args,
	  struct json_object **res, struct gwc_err *e)
{
	struct gwc_sa_conf sc;
	struct gwc_sa_life life = { 0 };
	const char *slice, *ep, *alg = "aes-gcm-16", *hex;
	uint8_t buf[TRL_KEY_MAX];
	uint64_t v;
	bool have;
	unsigned int i;
	int rc, n;

	memset(&sc, 0, sizeof(sc));
	if ((rc = gwc_arg_str(args, "slice", &slice, e)) != 0 ||
	    (rc = gwc_arg_str(args, "endpoint", &ep, e)) != 0 || (rc = arg_spi(args, &sc.spi, e)) != 0 ||
	    (rc = arg_dir(args, &sc.inbound, e)) != 0)
		return rc;
	if (!json_object_object_get_ex(args, "src", NULL) ||
	    !json_object_object_get_ex(args, "dst", NULL)) {
		gwc_errf(e, "arguments 'src' and 'dst' (the outer IPv4 addresses) are required");
		return -EINVAL;
	}
	if ((rc = gwc_arg_ipv4(args, "src", &sc.src, e)) != 0 ||
	    (rc = gwc_arg_ipv4(args, "dst", &sc.dst, e)) != 0)
		return rc;
	/* NAT-T: both ports or neither (gwc_sa_create refuses one alone) */
	if ((rc = gwc_arg_uint(args, "sport", 65535, &v, &have, e)) != 0)
		return rc;
	sc.sport = (uint16_t)(have ? v : 0);
	if ((rc = gwc_arg_uint(args, "dport", 65535, &v, &have, e)) != 0)
		return rc;
	sc.dport = (uint16_t)(have ? v : 0);
	if (json_object_object_get_ex(args, "alg", NULL) && (rc = gwc_arg_str(args, "alg", &alg, e)) != 0)
		return rc;
	for (i = 0; i < RTE_DIM(sa_algs) && strcmp(sa_algs[i].name, alg) != 0; i++)
		;
	if (i == RTE_DIM(sa_algs)) {
		gwc_errf(e, "argument 'alg': aes-gcm-16 or aes-cbc-hmac-sha256");
		return -EINVAL;
	}
	sc.alg = sa_algs[i].alg;
	if ((rc = gwc_arg_str(args, "key", &hex, e)) != 0)
		return rc;
	n = trl_key_from_hex(hex, buf);
	if (n <= 0 || n > GWC_SA_KEY_MAX) {
		memset(buf, 0, sizeof(buf));
		gwc_errf(e, "argument 'key': hex digits, at most %d bytes (GCM: key + 4-byte salt)",
			 GWC_SA_KEY_MAX);
		return -EINVAL;
	}
	memcpy(sc.key, buf, (size_t)n);
	sc.key_len = (uint8_t)n;
	if (json_object_object_get_ex(args, "integ_key", NULL)) {
		if ((rc = gwc_arg_str(args, "integ_key", &hex, e)) != 0)
			goto out;
		n = trl_key_from_hex(hex, buf);
		if (n <= 0 || n > GWC_SA_INTEG_KEY_MAX) {
			gwc_errf(e, "argument 'integ_key': hex digits, at most %d bytes",
				 GWC_SA_INTEG_KEY_MAX);
			rc = -EINVAL;
			goto out;
		}
		memcpy(sc.integ_key, buf, (size_t)n);
		sc.integ_key_len = (uint8_t)n;
	}
	if ((rc = gwc_arg_bool(args, "esn", &sc.esn, e)) != 0 ||
	    (rc = gwc_arg_uint(args, "replay_window", 4096, &v, &have, e)) != 0)
		goto out;
	sc.replay_window = have ? (uint32_t)v : 64;
	if ((rc = gwc_arg_uint(args, "sqn", UINT64_MAX >> 1, &v, &have, e)) != 0)
		goto out;
	sc.sqn = have ? v : 0;
	if ((rc = gwc_arg_uint(args, "soft_bytes", INT64_MAX, &life.soft_bytes, &have, e)) != 0 ||
	    (rc = gwc_arg_uint(args, "hard_bytes", INT64_MAX, &life.hard_bytes, &have, e)) != 0 ||
	    (rc = gwc_arg_uint(args, "soft_packets", INT64_MAX, &life.soft_packets, &have, e)) != 0 ||
	    (rc = gwc_arg_uint(args, "hard_packets", INT64_MAX, &life.hard_packets, &have, e)) != 0)
		goto out;
	rc = gwc_ipsec_sa_add(g, c->owner, slice, ep, &sc, &life, e);
	if (rc >= 0) {
		*res = json_object_new_object();
		agw_json_add_u64(*res, "index", (uint64_t)rc);
		rc = 0;
	}
out:
	memset(buf, 0, sizeof(buf));
	memset(&sc, 0, sizeof(sc));
	return rc;
}

static int
op_sa_del(struct gwc *g, struct gwc_client *c, struct json_object *args,
	  struct json_object **res, struct gwc_err *e)
{
	uint32_t spi, dst = 0;
	bool inbound;
	int rc;

	if ((rc = arg_spi(args, &spi, e)) != 0 || (rc = arg_dir(args, &inbound, e)) != 0 ||
	    (rc = gwc_arg_ipv4(args, "dst", &dst, e)) != 0)
		return rc;
	rc = gwc_ipsec_sa_del(g, c->owner, inbound, spi, dst, e);
	if (rc == 0)
		*res = json_object_new_object();
	return rc;
}

static struct json_object *
sa_json(const struct gwc *g, int i)
{
	const struct gwc_sa_m *s = &g->sa[i];
	struct json_object *o = json_object_new_object();
	const struct gwc_ep *ep = &g->ep[s->ep].ep;
	struct gwc_sa_stats st;
	char buf[INET_ADDRSTRLEN];
	uint64_t now = rte_rdtsc();

	snprintf(buf, sizeof(buf), "0x%08x", s->conf.spi);
	agw_json_add_str(o, "spi", buf);
	agw_json_add_u64(o, "index", (uint64_t)i);
	agw_json_add_str(o, "dir", s->conf.inbound ? "in" : "out");
	agw_json_add_str(o, "slice", g->slice[ep->slice].name);
	agw_json_add_str(o, "endpoint", ep->conf.name);
	agw_json_add_str(o, "owner", s->owner);
	agw_json_add_str(o, "src", gwc_ip_str(s->conf.src, buf));
	agw_json_add_str(o, "dst", gwc_ip_str(s->conf.dst, buf));
	if (s->conf.sport != 0) {
		agw_json_add_u64(o, "sport", s->conf.sport);
		agw_json_add_u64(o, "dport", s->conf.dport);
	}
	agw_json_add_str(o, "alg", s->conf.alg == GWC_SA_AES_GCM_16 ? "aes-gcm-16" : "aes-cbc-hmac-sha256");
	json_object_object_add(o, "esn", json_object_new_boolean(s->conf.esn));
	if (s->conf.inbound)
		agw_json_add_u64(o, "replay_window", s->conf.replay_window);
	agw_json_add_str(o, "state", s->hard_expired ? "hard_expired" : s->soft_expired ? "soft_expired"
									 : "live");
	gwc_ipsec_sa_stats_get(g, i, &st);
	agw_json_add_u64(o, "sqn", s->conf.inbound ? gwc_sa_highest(s->sa) : s->conf.sqn + st.pkts);
	agw_json_add_u64(o, "packets", st.pkts);
	agw_json_add_u64(o, "bytes", st.bytes);
	if (st.last_tsc != 0 && now > st.last_tsc)
		agw_json_add_u64(o, "idle_ms", (now - st.last_tsc) * 1000 / rte_get_tsc_hz());
	if (s->conf.inbound) {
		agw_json_add_u64(o, "replay", st.replay);
		agw_json_add_u64(o, "auth", st.auth);
		agw_json_add_u64(o, "malformed", st.malformed);
		agw_json_add_u64(o, "trailer", st.trailer);
		agw_json_add_u64(o, "selector", st.selector);
	}
	return o;
}

static int
op_sa_list(struct gwc *g, struct gwc_client *c, struct json_object *args,
	   struct json_object **res, struct gwc_err *e)
{
	struct json_object *a = json_object_new_array();
	const char *slice = NULL, *dir = NULL;
	uint64_t spi = 0;
	bool have_spi = false;
	unsigned int i;
	int s = -1, rc;

	RTE_SET_USED(c);
	if (args != NULL &&
	    ((rc = gwc_arg_uint(args, "spi", UINT32_MAX, &spi, &have_spi, e)) != 0 ||
	     (json_object_object_get_ex(args, "dir", NULL) &&
	      (rc = gwc_arg_str(args, "dir", &dir, e)) != 0))) {
		json_object_put(a);
		return rc;
	}
	if (dir != NULL && strcmp(dir, "in") != 0 && strcmp(dir, "out") != 0) {
		json_object_put(a);
		gwc_errf(e, "dir '%s': 'in' or 'out'", dir);
		return -EINVAL;
	}
	if (args != NULL && json_object_object_get_ex(args, "slice", NULL)) {
		if ((rc = gwc_arg_str(args, "slice", &slice, e)) != 0) {
			json_object_put(a);
			return rc;
		}
		s = gwc_slice_find(g, slice);
		if (s < 0) {
			json_object_put(a);
			gwc_errf(e, "no slice '%s'", slice);
			return -ENOENT;
		}
	}
	GWC_SA_FOREACH(g, i)
		if ((s < 0 || g->ep[g->sa[i].ep].ep.slice == s) &&
		    (!have_spi || g->sa[i].conf.spi == spi) &&
		    (dir == NULL || g->sa[i].conf.inbound == (dir[0] == 'i')))
			json_object_array_add(a, sa_json(g, (int)i));
	*res = json_object_new_object();
	json_object_object_add(*res, "sas", a);
	agw_json_add_str(*res, "crypto", g->crypto.ready ? g->crypto.driver : "none");
	return 0;
}

const struct gwc_ctl_op gwc_ctl_ipsec_ops[] = {
	{ "sa.add", op_sa_add,
	  "slice= endpoint= spi= dir=in|out src= dst= [sport= dport=] [alg=aes-gcm-16|"
	  "aes-cbc-hmac-sha256] key=HEX [integ_key=HEX] [esn=] [replay_window=64] [sqn=] "
	  "[soft_bytes= hard_bytes= soft_packets= hard_packets=]: an IPsec SA (keys never shown)",
	  false },
	{ "sa.del", op_sa_del, "spi= dir=in|out [dst=]", false },
	{ "sa.list", op_sa_list, "[slice=]: SAs with counters and lifetime state", false },
	{ NULL, NULL, NULL, false },
};

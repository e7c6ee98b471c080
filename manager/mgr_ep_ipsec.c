/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Link-vport endpoint type "ipsec" (mgr_ep.h; docs/ike.md): the slice's IPsec link,
 * bound to its terminals' node: 'pool' (the terminals' virtual IPs), 'address' (the
 * AGW's in the slice), 'gateway', and a "terminal:ID" param per admitted terminal
 * ("psk:SECRET" or "pubkey"), which charon's connections are made of (mgr_charon.c).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "agw_json.h"
#include "mgr_ep.h"
#include "mgr_plan.h"

static bool
ipsec_has_params(const struct mgr_kvs *p)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (mgr_terminal_of(p->v[i].key) != NULL)
			return true;
	return mgr_kv_get(p, "pool") != NULL || mgr_kv_get(p, "address") != NULL ||
	       mgr_kv_get(p, "gateway") != NULL;
}

/*
 * An ipsec vport: 'pool' (the terminals' virtual IPs, a prefix), 'address' (the
 * AGW's address in the slice, outside the pool), optional 'gateway', and its
 * terminals, each a param "terminal:ID" = "psk:SECRET" or "pubkey" (docs/slice-spec.md).
 */
static int
ipsec_plan(const struct mgr_plan_conf *c, const struct mgr_sliver *link, struct mgr_vport *vp,
	   unsigned int *alloc, struct mgr_err *e)
{
	const char *pool = mgr_kv_get(&vp->params, "pool"), *addr = mgr_kv_get(&vp->params, "address");
	const char *gw = mgr_kv_get(&vp->params, "gateway");
	struct mgr_ep *ep = &vp->ep;
	char net[16], ip[INET_ADDRSTRLEN];
	uint32_t base, a, mask;
	unsigned int len, i;
	char tail;

	(void)c;
	(void)alloc;
	if (pool == NULL || sscanf(pool, "%15[0-9.]/%u%c", net, &len, &tail) != 2 || len < 8 ||
	    len > 32 || mgr_ipv4_norm(net, ip, &base) != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': an ipsec vport needs param 'pool', the "
				"terminals' virtual IPs as a prefix a.b.c.d/8-32 (got '%.30s')",
				link->name, vp->name, pool != NULL ? pool : "");
	mask = len == 32 ? 0xffffffffu : ~(0xffffffffu >> len);
	if ((base & ~mask) != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': pool '%.30s' has host bits set (the "
				"prefix starts at %u.%u.%u.%u)", link->name, vp->name, pool,
				(base & mask) >> 24, (base & mask) >> 16 & 0xff,
				(base & mask) >> 8 & 0xff, base & mask & 0xff);
	snprintf(ep->ipsec_pool, sizeof(ep->ipsec_pool), "%s/%u", ip, len);
	if (mgr_ipv4_norm(addr, ep->ipsec_addr, &a) != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': an ipsec vport needs param 'address', "
				"the AGW's IPv4 address in the slice (got '%.30s')", link->name,
				vp->name, addr != NULL ? addr : "");
	if ((a & mask) == base)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': address %s lies inside the terminals' "
				"pool %s", link->name, vp->name, ep->ipsec_addr, ep->ipsec_pool);
	ep->ipsec_gateway[0] = '\0';
	if (gw != NULL && mgr_ipv4_norm(gw, ep->ipsec_gateway, NULL) != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': gateway '%.30s' is not an IPv4 address",
				link->name, vp->name, gw);
	ep->ipsec_terminals = 0;
	for (i = 0; i < vp->params.n; i++) {
		const char *id = mgr_terminal_of(vp->params.v[i].key), *v = vp->params.v[i].value;

		if (id == NULL)
			continue;
		if (!mgr_ike_id_ok(id))
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': terminal '%.40s': an IKE identity "
					"is 1-127 printable characters without spaces or quotes",
					link->name, vp->name, id);
		if (strcmp(v, MGR_AUTH_PUBKEY) == 0) {
			ep->ipsec_terminals++;
			continue;
		}
		if (strncmp(v, "psk:", 4) != 0)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': terminal '%.40s': authentication "
					"must be psk:SECRET or pubkey (an X.509 certificate for ID "
					"from the CA in [manager] ike_cacert)", link->name, vp->name, id);
		if (strlen(v + 4) < 16 || strlen(v + 4) > 256)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': terminal '%.40s': the pre-shared key "
					"must be 16 to 256 characters (a short PSK can be guessed offline "
					"from one IKE exchange)", link->name, vp->name, id);
		ep->ipsec_terminals++;
	}
	return 0;
}

static void
ipsec_to_json(struct json_object *v, const struct mgr_ep *ep)
{
	agw_json_add_str(v, "pool", ep->ipsec_pool);
	agw_json_add_str(v, "address", ep->ipsec_addr);
	if (ep->ipsec_gateway[0] != '\0')
		agw_json_add_str(v, "gateway", ep->ipsec_gateway);
	agw_json_add_int(v, "terminals", ep->ipsec_terminals);
}

static void
ipsec_from_json(struct json_object *v, struct mgr_ep *ep)
{
	snprintf(ep->ipsec_pool, sizeof(ep->ipsec_pool), "%s", agw_json_str(v, "pool"));
	snprintf(ep->ipsec_addr, sizeof(ep->ipsec_addr), "%s", agw_json_str(v, "address"));
	snprintf(ep->ipsec_gateway, sizeof(ep->ipsec_gateway), "%s", agw_json_str(v, "gateway"));
	ep->ipsec_terminals = (unsigned int)agw_json_int(v, "terminals", 0, NULL);
}

/* gw-core's ipsec endpoint for the link: its selectors are the pool, its slice-side
 * address and next hop ours; the terminals' endpoints the IKE plugin adds join it. */
static void
ipsec_gwc_args(struct json_object *a, const struct mgr_ep *ep)
{
	agw_json_add_str(a, "ts_remote", ep->ipsec_pool);
	agw_json_add_str(a, "l3_addr", ep->ipsec_addr);
	if (ep->ipsec_gateway[0] != '\0')
		agw_json_add_str(a, "gateway", ep->ipsec_gateway);
}

static bool
ipsec_gwc_matches(struct json_object *o, const struct mgr_ep *ep)
{
	struct json_object *ts;

	return json_object_object_get_ex(o, "ts_remote", &ts) &&
	       json_object_array_length(ts) == 1 &&
	       strcmp(json_object_get_string(json_object_array_get_idx(ts, 0)), ep->ipsec_pool) == 0 &&
	       strcmp(agw_json_str(o, "l3_addr"), ep->ipsec_addr) == 0 &&
	       strcmp(agw_json_str(o, "gateway"), ep->ipsec_gateway) == 0;
}

const struct mgr_ep_ops mgr_ep_ipsec_ops = {
	.type = MGR_EP_IPSEC,
	.name = "ipsec",
	.in_gwc = true,
	.params_text = "pool/address/gateway/terminal:ID",
	.has_params = ipsec_has_params,
	.plan = ipsec_plan,
	.to_json = ipsec_to_json,
	.from_json = ipsec_from_json,
	.gwc_args = ipsec_gwc_args,
	.gwc_matches = ipsec_gwc_matches,
};

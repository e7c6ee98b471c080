/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Link-vport endpoint type "gre" (mgr_ep.h): Ethernet over GRE from a gw-core port to
 * 'remote' ([manager] gre_remote by default), with 'key' (allocated from
 * [manager] gre_key_range when absent; "none": no key field) and optionally a static
 * 'nexthop_mac'.
 */
#include <stdio.h>
#include <string.h>

#include "agw_json.h"
#include "mgr_ep.h"
#include "mgr_plan.h"

static bool
gre_has_params(const struct mgr_kvs *p)
{
	return mgr_kv_get(p, "key") != NULL || mgr_kv_get(p, "remote") != NULL ||
	       mgr_kv_get(p, "nexthop_mac") != NULL;
}

static int
gre_plan(const struct mgr_plan_conf *c, const struct mgr_sliver *link, struct mgr_vport *vp,
	 unsigned int *alloc, struct mgr_err *e)
{
	struct mgr_ep *ep = &vp->ep;
	const char *key = mgr_kv_get(&vp->params, "key");
	const char *remote = mgr_kv_get(&vp->params, "remote");
	const char *nh = mgr_kv_get(&vp->params, "nexthop_mac");

	if (remote == NULL)
		remote = c->gre_remote;
	if (remote[0] == '\0' || mgr_ipv4_norm(remote, ep->remote, NULL) != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': GRE needs param 'remote' (an IPv4 "
				"address)%s", link->name, vp->name,
				remote[0] == '\0' ? " or the manager's gre_remote" : "");
	if (key == NULL) {
		*alloc |= MGR_ALLOC_KEY;
	} else if (strcmp(key, "none") == 0) {
		ep->has_key = false;
	} else if (mgr_parse_u32(key, UINT32_MAX, &ep->key) != 0) {
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': GRE key '%.20s' is not 0-4294967295 "
				"or none", link->name, vp->name, key);
	} else {
		ep->has_key = true;
	}
	if (nh != NULL) {
		unsigned int m[6];
		char tail;

		if (sscanf(nh, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
			   &tail) != 6)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': nexthop_mac '%.20s' is not a MAC",
					link->name, vp->name, nh);
		snprintf(ep->nexthop_mac, sizeof(ep->nexthop_mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 m[0], m[1], m[2], m[3], m[4], m[5]);
	}
	return 0;
}

static void
gre_to_json(struct json_object *v, const struct mgr_ep *ep)
{
	agw_json_add_str(v, "remote", ep->remote);
	if (ep->has_key)
		agw_json_add_int(v, "key", ep->key);
	if (ep->nexthop_mac[0] != '\0')
		agw_json_add_str(v, "nexthop_mac", ep->nexthop_mac);
}

static void
gre_from_json(struct json_object *v, struct mgr_ep *ep)
{
	snprintf(ep->remote, sizeof(ep->remote), "%s", agw_json_str(v, "remote"));
	ep->key = (uint32_t)agw_json_int(v, "key", 0, &ep->has_key);
	snprintf(ep->nexthop_mac, sizeof(ep->nexthop_mac), "%s", agw_json_str(v, "nexthop_mac"));
}

static bool
gre_gwc_matches(struct json_object *o, const struct mgr_ep *ep)
{
	return strcmp(agw_json_str(o, "remote"), ep->remote) == 0 &&
	       agw_json_int(o, "key", -1, NULL) == (ep->has_key ? (int64_t)ep->key : -1);
}

const struct mgr_ep_ops mgr_ep_gre_ops = {
	.type = MGR_EP_GRE,
	.name = "gre",
	.in_gwc = true,
	.params_text = "key/remote/nexthop_mac",
	.has_params = gre_has_params,
	.plan = gre_plan,
	.to_json = gre_to_json,
	.from_json = gre_from_json,
	.gwc_args = gre_to_json,       /* gw-core takes the same fields by the same names */
	.gwc_matches = gre_gwc_matches,
};

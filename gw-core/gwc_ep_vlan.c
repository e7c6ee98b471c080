/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Endpoint type "vlan": 802.1Q (port, VID), VID 1..4094, one endpoint per VID on a
 * port. Data plane: the port's VID map (gwc_dp_classify.h), tag pop, push and rewrite
 * (gwc_dp_vlan.h). Control thread.
 */
#include <errno.h>

#include <rte_byteorder.h>

#include "gwc_ep_ops.h"
#include "gwc_json.h"
#include "gwc_model.h"

static int
vlan_parse(struct gwc_ep_conf *c, struct json_object *args, struct gwc_err *e)
{
	uint64_t v;
	bool have;
	int rc;

	if ((rc = gwc_arg_uint(args, "vid", 4095, &v, &have, e)) != 0)
		return rc;
	if (!have) {
		gwc_errf(e, "endpoint '%s': a vlan endpoint needs 'vid' (1..4094)", c->name);
		return -EINVAL;
	}
	c->vid = (uint16_t)v;
	return 0;
}

static int
vlan_validate(const struct gwc *g, int s, int port, const struct gwc_ep_conf *c,
	      struct gwc_err *e)
{
	const struct gwc_ep *o;

	RTE_SET_USED(s);
	if (c->vid < 1 || c->vid > 4094) {
		gwc_errf(e, "endpoint '%s': VID %u outside 1..4094", c->name, c->vid);
		return -EINVAL;
	}
	if (g->vid_ep[port][c->vid] != GWC_EP_NONE) {
		o = &g->ep[g->vid_ep[port][c->vid]].ep;
		gwc_errf(e, "endpoint '%s': VID %u on port '%s' is already used by endpoint '%s' "
			    "of slice '%s'", c->name, c->vid, c->port, o->conf.name,
			 g->slice[o->slice].name);
		return -EADDRINUSE;
	}
	return 0;
}

static void
vlan_to_json(const struct gwc *g, int id, struct json_object *o)
{
	agw_json_add_u64(o, "vid", g->ep[id].ep.conf.vid);
}

static int
vlan_build(struct gwc *g, struct gwc_tables *t, struct gwc_ep *ep)
{
	RTE_SET_USED(g);
	ep->vid_be = rte_cpu_to_be_16(ep->conf.vid);
	t->port[ep->port].vlan_ep[ep->conf.vid] = ep->id;
	return 0;
}

static void
vlan_unbuild(struct gwc_tables *t, const struct gwc_ep *old)
{
	if (t->port[old->port].vlan_ep[old->conf.vid] == old->id)
		t->port[old->port].vlan_ep[old->conf.vid] = GWC_EP_NONE;
}

const struct gwc_ep_ops gwc_ep_vlan_ops = {
	.type = GWC_EP_VLAN,
	.name = "vlan",
	.schema = "port= vid=1..4094",
	.bridged = true,
	.parse = vlan_parse,
	.validate = vlan_validate,
	.to_json = vlan_to_json,
	.build = vlan_build,
	.unbuild = vlan_unbuild,
};

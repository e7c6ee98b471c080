/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Link-vport endpoint type "vlan" (mgr_ep.h): 802.1Q on a gw-core port; param 'vid'
 * (1-4094), or one allocated from [manager] vid_range.
 */
#include <stdio.h>
#include <string.h>

#include "agw_json.h"
#include "mgr_ep.h"
#include "mgr_plan.h"

static bool
vlan_has_params(const struct mgr_kvs *p)
{
	return mgr_kv_get(p, "vid") != NULL;
}

static int
vlan_plan(const struct mgr_plan_conf *c, const struct mgr_sliver *link, struct mgr_vport *vp,
	  unsigned int *alloc, struct mgr_err *e)
{
	const char *vid = mgr_kv_get(&vp->params, "vid");
	uint32_t v;

	(void)c;
	if (vid == NULL)
		*alloc |= MGR_ALLOC_VID;
	else if (mgr_parse_u32(vid, 4094, &v) != 0 || v == 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': VID '%.20s' is outside 1-4094",
				link->name, vp->name, vid);
	else
		vp->ep.vid = (uint16_t)v;
	return 0;
}

static void
vlan_to_json(struct json_object *v, const struct mgr_ep *ep)
{
	agw_json_add_int(v, "vid", ep->vid);
}

static void
vlan_from_json(struct json_object *v, struct mgr_ep *ep)
{
	ep->vid = (uint16_t)agw_json_int(v, "vid", 0, NULL);
}

static bool
vlan_gwc_matches(struct json_object *o, const struct mgr_ep *ep)
{
	return agw_json_int(o, "vid", -1, NULL) == ep->vid;
}

const struct mgr_ep_ops mgr_ep_vlan_ops = {
	.type = MGR_EP_VLAN,
	.name = "vlan",
	.in_gwc = true,
	.params_text = "'vid'",
	.has_params = vlan_has_params,
	.plan = vlan_plan,
	.to_json = vlan_to_json,
	.from_json = vlan_from_json,
	.gwc_args = vlan_to_json,      /* the same field, the same name */
	.gwc_matches = vlan_gwc_matches,
};

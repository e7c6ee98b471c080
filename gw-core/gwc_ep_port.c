/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Endpoint types "port" (alias "untagged"): a whole port's untagged frames, one such
 * endpoint per port; and "nsliver": the same on a port added at run time for a node
 * sliver's vport (gwc_port.c). Data plane: the port's untagged_ep
 * (gwc_dp_classify.h), plain output (gwc_dp_out.h). Control thread.
 */
#include <errno.h>

#include "gwc_ep_ops.h"
#include "gwc_model.h"

static int
port_validate(const struct gwc *g, int s, int port, const struct gwc_ep_conf *c,
	      struct gwc_err *e)
{
	const struct gwc_ep *o;
	int i = -1;

	RTE_SET_USED(s);
	o = gwc_ep_next_on_port(g, port, GWC_EP_PORT, &i);
	if (o == NULL)
		o = gwc_ep_next_on_port(g, port, GWC_EP_NSLIVER, &(int){ -1 });
	if (o != NULL) {
		gwc_errf(e, "endpoint '%s': port '%s' is already the untagged endpoint '%s' "
			    "of slice '%s'", c->name, c->port, o->conf.name,
			 g->slice[o->slice].name);
		return -EADDRINUSE;
	}
	return 0;
}

static int
port_build(struct gwc *g, struct gwc_tables *t, struct gwc_ep *ep)
{
	RTE_SET_USED(g);
	t->port[ep->port].untagged_ep = ep->id;
	return 0;
}

static void
port_unbuild(struct gwc_tables *t, const struct gwc_ep *old)
{
	if (t->port[old->port].untagged_ep == old->id)
		t->port[old->port].untagged_ep = GWC_EP_NONE;
}

const struct gwc_ep_ops gwc_ep_port_ops = {
	.type = GWC_EP_PORT,
	.name = "port",
	.alias = "untagged",
	.schema = "port=",
	.bridged = true,
	.validate = port_validate,
	.build = port_build,
	.unbuild = port_unbuild,
};

static int
nsliver_validate(const struct gwc *g, int s, int port, const struct gwc_ep_conf *c,
		 struct gwc_err *e)
{
	if (!gwc_port_is_hotplug(g, port)) {
		gwc_errf(e, "endpoint '%s': port '%s' is a configured port; an nsliver endpoint "
			    "takes a node sliver's port added with port.add (use type port here)",
			 c->name, c->port);
		return -EINVAL;
	}
	return port_validate(g, s, port, c, e);
}

const struct gwc_ep_ops gwc_ep_nsliver_ops = {
	.type = GWC_EP_NSLIVER,
	.name = "nsliver",
	.schema = "port=NODE_PORT",
	.bridged = true,
	.validate = nsliver_validate,
	.build = port_build,
	.unbuild = port_unbuild,
};

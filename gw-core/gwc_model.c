/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Finding things in the control thread's model (gwc_model.h): slices, endpoints and
 * ports by name, with the owner checks every change makes. Control thread; reads the
 * model only.
 */
#include <errno.h>
#include <string.h>

#include "gwc_model.h"

bool
gwc_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= GWC_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] == '"' || s[i] == '\\' || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

int
gwc_slice_find(const struct gwc *g, const char *name)
{
	int i;

	for (i = 0; i < GWC_MAX_SLICES; i++)
		if (g->slice[i].used && strcmp(g->slice[i].name, name) == 0)
			return i;
	return -ENOENT;
}

int
gwc_ep_find(const struct gwc *g, int slice, const char *name)
{
	int i;

	for (i = 0; i < GWC_MAX_EPS; i++)
		if (g->ep[i].used && g->ep[i].ep.slice == slice &&
		    strcmp(g->ep[i].ep.conf.name, name) == 0)
			return i;
	return -ENOENT;
}

int
gwc_port_find(const struct gwc *g, const char *name)
{
	int i;

	for (i = 0; i < g->dp.n_ports; i++)
		if (strcmp(g->conf.port[i].name, name) == 0)
			return i;
	return -ENOENT;
}

int
gwc_slice_owned(const struct gwc *g, const char *owner, const char *slice, struct gwc_err *e)
{
	int s = gwc_slice_find(g, slice);

	if (s < 0) {
		gwc_errf(e, "no slice '%s'", slice);
		return -ENOENT;
	}
	if (strcmp(g->slice[s].owner, owner) != 0) {
		gwc_errf(e, "slice '%s' belongs to '%s', not '%s'", slice, g->slice[s].owner, owner);
		return -EPERM;
	}
	return s;
}

int
gwc_ep_owned(const struct gwc *g, const char *owner, const char *slice, const char *name,
	     bool slice_owner_ok, struct gwc_err *e)
{
	int s = gwc_slice_find(g, slice), id;

	if (s < 0) {
		gwc_errf(e, "no slice '%s'", slice);
		return -ENOENT;
	}
	id = gwc_ep_find(g, s, name);
	if (id < 0) {
		gwc_errf(e, "slice '%s' has no endpoint '%s'", slice, name);
		return -ENOENT;
	}
	if (strcmp(g->ep[id].ep.owner, owner) != 0 &&
	    (!slice_owner_ok || strcmp(g->slice[s].owner, owner) != 0)) {
		gwc_errf(e, "endpoint '%s' of slice '%s' belongs to '%s', not '%s'", name, slice,
			 g->ep[id].ep.owner, owner);
		return -EPERM;
	}
	return id;
}

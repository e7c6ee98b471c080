/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Link-vport endpoint type "trailer" (mgr_ep.h; docs/trailer.md): terminals on a gw-core
 * port whose trailer carries (terminal ID, app ID): params 'app' (an ID or LO-HI),
 * 'terminal' (absent: any), 'reappend', and a terminal's 'terminal_key' with 'auth'.
 * The key is a secret: planned and stored here, sent to gw-core as trailer.key.set
 * (mgr_gwc.c), never reported.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "agw_json.h"
#include "mgr_ep.h"
#include "mgr_plan.h"
#include "trailer/trl_auth.h"

static bool
trailer_has_params(const struct mgr_kvs *p)
{
	return mgr_kv_get(p, "app") != NULL || mgr_kv_get(p, "terminal") != NULL ||
	       mgr_kv_get(p, "terminal_key") != NULL || mgr_kv_get(p, "auth") != NULL ||
	       mgr_kv_get(p, "reappend") != NULL;
}

/* A trailer vport's 'terminal_key' (hex) and 'auth' (required | optional). */
static int
plan_trailer_key(const struct mgr_sliver *link, struct mgr_vport *vp, struct mgr_err *e)
{
	const char *key = mgr_kv_get(&vp->params, "terminal_key"), *auth = mgr_kv_get(&vp->params, "auth");
	struct mgr_ep *ep = &vp->ep;
	size_t i, n = key != NULL ? strlen(key) : 0;
	uint8_t bytes[TRL_KEY_MAX];
	int kn;

	ep->trl_key[0] = '\0';
	ep->trl_key_required = false;
	if (key == NULL) {
		if (auth != NULL)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': auth without terminal_key",
					link->name, vp->name);
		return 0;
	}
	if (ep->trl_terminal == 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': terminal_key needs param 'terminal': a "
				"key belongs to one terminal", link->name, vp->name);
	/* the grammar gw-core and agw-trailer read (trl_key_from_hex) */
	kn = trl_key_from_hex(key, bytes);
	memset(bytes, 0, sizeof(bytes));
	if (kn < TRL_KEY_MIN)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': terminal_key is not %d to %d bytes as "
				"hex digits", link->name, vp->name, TRL_KEY_MIN, TRL_KEY_MAX);
	for (i = 0; i < n; i++)
		ep->trl_key[i] = (char)tolower((unsigned char)key[i]);
	ep->trl_key[n] = '\0';
	if (auth == NULL || strcmp(auth, "required") == 0)
		ep->trl_key_required = true;
	else if (strcmp(auth, "optional") != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': auth '%.20s' is not required or "
				"optional", link->name, vp->name, auth);
	return 0;
}

/* A trailer vport's 'app' (ID or LO-HI), 'terminal' (ID; absent: any) and key. */
static int
trailer_plan(const struct mgr_plan_conf *c, const struct mgr_sliver *link, struct mgr_vport *vp,
	     unsigned int *alloc, struct mgr_err *e)
{
	const char *app = mgr_kv_get(&vp->params, "app"), *term = mgr_kv_get(&vp->params, "terminal");
	struct mgr_ep *ep = &vp->ep;
	const char *dash, *ra;
	char lo[16];

	(void)c;
	(void)alloc;

	if (app == NULL)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': a trailer vport needs param 'app' (an "
				"app ID or a range LO-HI, docs/trailer.md)", link->name, vp->name);
	dash = strchr(app, '-');
	snprintf(lo, sizeof(lo), "%.*s", dash != NULL ? (int)(dash - app) : (int)strlen(app), app);
	if (mgr_parse_u32(lo, UINT32_MAX, &ep->trl_app_lo) != 0 ||
	    mgr_parse_u32(dash != NULL ? dash + 1 : lo, UINT32_MAX, &ep->trl_app_hi) != 0 ||
	    ep->trl_app_lo == 0 || ep->trl_app_hi < ep->trl_app_lo)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': app '%.30s' is not an app ID or a range "
				"LO-HI of IDs from 1 to 4294967295", link->name, vp->name, app);
	ep->trl_terminal = 0;
	if (term != NULL && (mgr_parse_u32(term, UINT32_MAX, &ep->trl_terminal) != 0 ||
			     ep->trl_terminal == 0))
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': terminal '%.20s' is not an ID from 1 "
				"to 4294967295", link->name, vp->name, term);
	ra = mgr_kv_get(&vp->params, "reappend");
	ep->trl_reappend = ra != NULL && strcmp(ra, "yes") == 0;
	if (ra != NULL && strcmp(ra, "yes") != 0 && strcmp(ra, "no") != 0)
		return mgr_fail(e, MGR_BADARGS, "linkSliver '%s' vport '%s': reappend '%.20s' is "
				"not yes or no", link->name, vp->name, ra);
	if (ep->trl_reappend && (ep->trl_terminal == 0 || ep->trl_app_lo != ep->trl_app_hi))
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': reappend needs one terminal and one "
				"app (the trailer written toward the terminal)", link->name, vp->name);
	return plan_trailer_key(link, vp, e);
}

static void
trailer_to_json(struct json_object *v, const struct mgr_ep *ep)
{
	agw_json_add_int(v, "terminal", ep->trl_terminal);
	agw_json_add_int(v, "app_lo", ep->trl_app_lo);
	agw_json_add_int(v, "app_hi", ep->trl_app_hi);
	if (ep->trl_reappend)
		agw_json_add_bool(v, "reappend", true);
	if (ep->trl_key[0] != '\0')   /* reported as set, never shown */
		agw_json_add_str(v, "terminal_key", ep->trl_key_required ? "set (tag required)"
									  : "set (tag optional)");
}

/* The store also holds the key itself (mgr_store.c writes "trl_key"). */
static void
trailer_from_json(struct json_object *v, struct mgr_ep *ep)
{
	ep->trl_terminal = (uint32_t)agw_json_int(v, "terminal", 0, NULL);
	ep->trl_app_lo = (uint32_t)agw_json_int(v, "app_lo", 0, NULL);
	ep->trl_app_hi = (uint32_t)agw_json_int(v, "app_hi", 0, NULL);
	ep->trl_reappend = agw_json_bool(v, "reappend");
	snprintf(ep->trl_key, sizeof(ep->trl_key), "%s", agw_json_str(v, "trl_key"));
	ep->trl_key_required = agw_json_bool(v, "trl_key_required");
}

static void
trailer_gwc_args(struct json_object *a, const struct mgr_ep *ep)
{
	char app[32];

	snprintf(app, sizeof(app), "%u-%u", ep->trl_app_lo, ep->trl_app_hi);
	agw_json_add_str(a, "app", app);
	if (ep->trl_terminal != 0)
		agw_json_add_int(a, "terminal", ep->trl_terminal);
	if (ep->trl_reappend)
		agw_json_add_bool(a, "reappend", true);
}

static bool
trailer_gwc_matches(struct json_object *o, const struct mgr_ep *ep)
{
	return agw_json_int(o, "terminal", -1, NULL) == ep->trl_terminal &&
	       agw_json_int(o, "app_lo", -1, NULL) == ep->trl_app_lo &&
	       agw_json_int(o, "app_hi", -1, NULL) == ep->trl_app_hi &&
	       agw_json_bool(o, "reappend") == ep->trl_reappend;
}

const struct mgr_ep_ops mgr_ep_trailer_ops = {
	.type = MGR_EP_TRAILER,
	.name = "trailer",
	.in_gwc = true,
	.params_text = "app/terminal/terminal_key/auth/reappend",
	.has_params = trailer_has_params,
	.plan = trailer_plan,
	.to_json = trailer_to_json,
	.from_json = trailer_from_json,
	.gwc_args = trailer_gwc_args,
	.gwc_matches = trailer_gwc_matches,
};

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control socket operations on trailer keys: trailer.key.* (gwc_ctl.h). Keys are read
 * from the request, handed to gwc_trl_key_set() and wiped; never shown. Control thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "gwc_ctl.h"
#include "gwc_json.h"
#include "gwc_model.h"
#include "trl_auth.h"

static int
op_trl_key_set(struct gwc *g, struct gwc_client *c, struct json_object *args,
	       struct json_object **res, struct gwc_err *e)
{
	uint8_t key[TRL_KEY_MAX];
	bool have, required = true;
	const char *hex;
	uint64_t term;
	int rc, n;

	if ((rc = gwc_arg_uint(args, "terminal", UINT32_MAX, &term, &have, e)) != 0)
		return rc;
	if (!have) {
		gwc_errf(e, "argument 'terminal' (1..4294967295) is required");
		return -EINVAL;
	}
	if ((rc = gwc_arg_str(args, "key", &hex, e)) != 0)
		return rc;
	n = trl_key_from_hex(hex, key);
	if (n < TRL_KEY_MIN) {
		gwc_errf(e, "argument 'key': %d to %d bytes as hex digits (2 a byte)", TRL_KEY_MIN,
			 TRL_KEY_MAX);
		return -EINVAL;
	}
	if ((rc = gwc_arg_bool(args, "required", &required, e)) != 0)
		return rc;
	rc = gwc_trl_key_set(g, c->owner, (uint32_t)term, key, (size_t)n, required, e);
	memset(key, 0, sizeof(key));
	if (rc == 0)
		*res = json_object_new_object();
	return rc;
}

static int
op_trl_key_del(struct gwc *g, struct gwc_client *c, struct json_object *args,
	       struct json_object **res, struct gwc_err *e)
{
	uint64_t term;
	bool have;
	int rc;

	if ((rc = gwc_arg_uint(args, "terminal", UINT32_MAX, &term, &have, e)) != 0)
		return rc;
	if (!have) {
		gwc_errf(e, "argument 'terminal' is required");
		return -EINVAL;
	}
	rc = gwc_trl_key_del(g, c->owner, (uint32_t)term, e);
	if (rc == 0)
		*res = json_object_new_object();
	return rc;
}

static int
op_trl_key_list(struct gwc *g, struct gwc_client *c, struct json_object *args,
		struct json_object **res, struct gwc_err *e)
{
	struct json_object *arr = json_object_new_array();
	unsigned int i;

	RTE_SET_USED(c);
	RTE_SET_USED(args);
	RTE_SET_USED(e);
	for (i = 0; i < GWC_MAX_TRL_KEYS; i++) {
		struct json_object *o;

		if (!g->term[i].used)
			continue;
		o = json_object_new_object();
		agw_json_add_u64(o, "terminal", g->term[i].terminal);
		json_object_object_add(o, "required", json_object_new_boolean(g->term[i].required));
		agw_json_add_str(o, "owner", g->term[i].owner);
		json_object_array_add(arr, o);
	}
	*res = json_object_new_object();
	json_object_object_add(*res, "terminals", arr);
	return 0;
}

const struct gwc_ctl_op gwc_ctl_trailer_ops[] = {
	{ "trailer.key.set", op_trl_key_set,
	  "terminal=, key=HEX (16..64 bytes), [required=yes]: a terminal's trailer key", false },
	{ "trailer.key.del", op_trl_key_del, "terminal=: remove a terminal's trailer key", false },
	{ "trailer.key.list", op_trl_key_list, "terminals with a trailer key (never the keys)",
	  false },
	{ NULL, NULL, NULL, false },
};

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control-socket argument readers (gwc_json.h). Control thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwc_json.h"
#include "gwc_log.h"

int
gwc_arg_str(struct json_object *args, const char *key, const char **out, struct gwc_err *e)
{
	struct json_object *v;

	if (args == NULL || !json_object_object_get_ex(args, key, &v) ||
	    !json_object_is_type(v, json_type_string)) {
		gwc_errf(e, "argument '%s' (a string) is required", key);
		return -EINVAL;
	}
	*out = json_object_get_string(v);
	return 0;
}

int
gwc_arg_uint(struct json_object *args, const char *key, uint64_t max, uint64_t *out, bool *present,
	 struct gwc_err *e)
{
	struct json_object *v;
	int64_t x;

	*present = args != NULL && json_object_object_get_ex(args, key, &v);
	if (!*present)
		return 0;
	if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		char *end;

		errno = 0;
		x = strtoll(s, &end, 0);
		if (errno != 0 || end == s || *end != '\0')
			goto bad;
	} else if (json_object_is_type(v, json_type_int)) {
		x = json_object_get_int64(v);
	} else {
		goto bad;
	}
	if (x < 0 || (uint64_t)x > max)
		goto bad;
	*out = (uint64_t)x;
	return 0;
bad:
	gwc_errf(e, "argument '%s' must be an integer from 0 to %" PRIu64, key, max);
	return -EINVAL;
}

/* Optional boolean 'key': JSON true/false or "yes"/"no"; '*out' keeps its value when absent. */
int
gwc_arg_bool(struct json_object *args, const char *key, bool *out, struct gwc_err *e)
{
	struct json_object *o;
	const char *v;

	if (!json_object_object_get_ex(args, key, &o))
		return 0;
	if (json_object_is_type(o, json_type_boolean)) {
		*out = json_object_get_boolean(o);
		return 0;
	}
	v = json_object_get_string(o);
	if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
		gwc_errf(e, "argument '%s': true/false or yes/no", key);
		return -EINVAL;
	}
	*out = strcmp(v, "yes") == 0;
	return 0;
}

/* Optional IPv4 address argument 'key' into '*out' (network order; absent: unchanged). */
int
gwc_arg_ipv4(struct json_object *args, const char *key, uint32_t *out, struct gwc_err *e)
{
	const char *v;
	int rc;

	if (args == NULL || !json_object_object_get_ex(args, key, NULL))
		return 0;
	if ((rc = gwc_arg_str(args, key, &v, e)) != 0)
		return rc;
	if (inet_pton(AF_INET, v, out) != 1) {
		gwc_errf(e, "argument '%s': '%s' is not an IPv4 address", key, v);
		return -EINVAL;
	}
	return 0;
}

/* "A.B.C.D/LEN" (or an address alone: /32) into 'p'. @return 0 or -1. */
static int
prefix_parse(const char *s, struct gwc_prefix *p)
{
	char buf[INET_ADDRSTRLEN + 4], *slash, *end;
	unsigned long len = 32;

	if (strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash != NULL) {
		*slash = '\0';
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (errno != 0 || end == slash + 1 || *end != '\0' || len > 32)
			return -1;
	}
	if (inet_pton(AF_INET, buf, &p->addr) != 1)
		return -1;
	p->len = (uint8_t)len;
	return 0;
}

/* Optional traffic selectors 'key': a prefix string, or an array of up to GWC_MAX_TS. */
int
gwc_arg_prefixes(struct json_object *args, const char *key, struct gwc_prefix *p, uint8_t *n,
	     struct gwc_err *e)
{
	struct json_object *v;
	size_t i, cnt;

	*n = 0;
	if (args == NULL || !json_object_object_get_ex(args, key, &v))
		return 0;
	cnt = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 1;
	if (cnt > GWC_MAX_TS)
		goto bad;
	for (i = 0; i < cnt; i++) {
		struct json_object *x = json_object_is_type(v, json_type_array)
			? json_object_array_get_idx(v, i) : v;

		if (!json_object_is_type(x, json_type_string) ||
		    prefix_parse(json_object_get_string(x), &p[i]) != 0)
			goto bad;
	}
	*n = (uint8_t)cnt;
	return 0;
bad:
	gwc_errf(e, "argument '%s': an IPv4 prefix (\"10.1.0.200/32\") or a list of at most %d",
		 key, GWC_MAX_TS);
	return -EINVAL;
}

const char *
gwc_ip_str(rte_be32_t ip, char *buf)
{
	return inet_ntop(AF_INET, &ip, buf, INET_ADDRSTRLEN);
}

/* Drops by reason as { "reason": n }: every reason, or with 'nonzero' only those seen. */
struct json_object *
gwc_drops_json(const uint64_t drops[GWC_DROP_MAX], bool nonzero)
{
	struct json_object *d = json_object_new_object();
	unsigned int r;

	for (r = 0; r < GWC_DROP_MAX; r++)
		if (!nonzero || drops[r] != 0)
			agw_json_add_u64(d, gwc_drop_name((enum gwc_drop)r), drops[r]);
	return d;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Small json-c helpers for every C module that builds or reads JSON: gw-core's control
 * socket, the manager, the launcher, the tools. Header only (static inline), no state;
 * any thread. Writers add a new value to object 'o' under key 'k' (json-c copies the key
 * and the string); readers return what 'o' owns, valid while 'o' is.
 */
#ifndef AGW_JSON_H
#define AGW_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

/** o[k] = string 'v' (copied). */
static inline void
agw_json_add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

/** o[k] = signed integer 'v'. */
static inline void
agw_json_add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

/** o[k] = unsigned integer 'v' (counters). */
static inline void
agw_json_add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

/** o[k] = boolean 'v'. */
static inline void
agw_json_add_bool(struct json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

/** o[k] as a string (owned by 'o'), or "" when absent. */
static inline const char *
agw_json_str(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

/** o[k] as an integer, or 'dflt' when absent; '*have' (may be NULL) says which. */
static inline int64_t
agw_json_int(struct json_object *o, const char *k, int64_t dflt, bool *have)
{
	struct json_object *v;
	bool h = json_object_object_get_ex(o, k, &v);

	if (have != NULL)
		*have = h;
	return h ? json_object_get_int64(v) : dflt;
}

/** o[k] as a boolean (JSON true/false), false when absent. */
static inline bool
agw_json_bool(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) && json_object_get_boolean(v);
}

#endif /* AGW_JSON_H */

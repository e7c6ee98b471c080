/* SPDX-License-Identifier: BSD-3-Clause */
/* Small json-c helpers shared by the manager's modules and the agw launcher. */
#ifndef AGW_MGR_JSON_H
#define AGW_MGR_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

/** o[k] = string v (copied). */
static inline void
add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

/** o[k] = integer v. */
static inline void
add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

/** o[k] as a string (owned by o), or "" when absent. */
static inline const char *
jstr(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

/** o[k] as an integer, or 'dflt' when absent; *have (may be NULL) says which. */
static inline int64_t
jint(struct json_object *o, const char *k, int64_t dflt, bool *have)
{
	struct json_object *v;
	bool h = json_object_object_get_ex(o, k, &v);

	if (have != NULL)
		*have = h;
	return h ? json_object_get_int64(v) : dflt;
}

/** o[k] as a boolean (JSON true/false), false when absent. */
static inline bool
jbool(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) && json_object_get_boolean(v);
}

#endif

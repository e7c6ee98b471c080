/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager's model (mgr.h): faults and names, key-value lists, slices and their
 * deep copies, the registry, and the small parsers planning shares (mgr_plan.h). Pure:
 * no I/O, no locks.
 */
#define _GNU_SOURCE   /* tdestroy */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "agw_cfg.h"
#include "mgr_plan.h"

int
mgr_fail(struct mgr_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Every fault code, as docs/manager-api.md lists them. */
static const struct {
	int code;
	const char *name;
} faults[] = {
	{ MGR_BADARGS, "BADARGS" }, { MGR_ERROR, "ERROR" }, { MGR_FORBIDDEN, "FORBIDDEN" },
	{ MGR_SERVERERROR, "SERVERERROR" }, { MGR_TOOBIG, "TOOBIG" },
	{ MGR_REFUSED, "REFUSED" }, { MGR_DBERROR, "DBERROR" },
	{ MGR_UNAVAILABLE, "UNAVAILABLE" }, { MGR_SEARCHFAILED, "SEARCHFAILED" },
	{ MGR_UNSUPPORTED, "UNSUPPORTED" }, { MGR_BUSY, "BUSY" },
	{ MGR_INPROGRESS, "INPROGRESS" }, { MGR_ALREADYEXISTS, "ALREADYEXISTS" },
	{ MGR_VLAN_UNAVAILABLE, "VLAN_UNAVAILABLE" },
	{ MGR_INSUFFICIENT_BANDWIDTH, "INSUFFICIENT_BANDWIDTH" },
};

bool
mgr_fault_known(int code)
{
	size_t i;

	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		if (faults[i].code == code)
			return true;
	return false;
}

const char *
mgr_fault_name(int code)
{
	size_t i;

	if (code == MGR_OK)
		return "SUCCESS";
	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		if (faults[i].code == code)
			return faults[i].name;
	return "ERROR";
}

const char *
mgr_state_name(enum mgr_state s)
{
	return s == MGR_EXECUTED ? "executed" : "created";
}

const char *
mgr_role_name(enum mgr_role r)
{
	static const char *const n[] = { "none", "network", "terminal", "nsliver" };

	return (unsigned int)r < 4 ? n[r] : "none";
}

bool
mgr_name_ok(const char *s)
{
	size_t i, n = strlen(s);
	bool dots = true;   /* ".", ".." and the like would read as paths */

	if (n == 0 || n >= MGR_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return false;
		dots = dots && s[i] == '.';
	}
	return !dots;
}

int
mgr_slice_id_check(const char *id, struct mgr_err *e)
{
	if (id == NULL || !mgr_name_ok(id))
		return mgr_fail(e, MGR_BADARGS,
				"slice id '%.80s' is not a name: use 1-63 of A-Z a-z 0-9 _ . - "
				"(not only dots)", id != NULL ? id : "");
	return 0;
}

int
mgr_parse_si(const char *s, uint64_t *v)
{
	return agw_parse_si(s, v);
}

int
mgr_parse_u32(const char *s, unsigned long long max, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || x > max)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

const char *
mgr_kv_get(const struct mgr_kvs *kv, const char *key)
{
	unsigned int i;

	for (i = 0; i < kv->n; i++)
		if (strcmp(kv->v[i].key, key) == 0)
			return kv->v[i].value;
	return NULL;
}

static void
kvs_clear(struct mgr_kvs *kv)
{
	unsigned int i;

	for (i = 0; i < kv->n; i++) {
		free(kv->v[i].key);
		free(kv->v[i].value);
	}
	free(kv->v);
	kv->v = NULL;
	kv->n = 0;
}

static int
kvs_copy(struct mgr_kvs *dst, const struct mgr_kvs *src)
{
	unsigned int i;

	dst->n = 0;
	dst->v = src->n != 0 ? calloc(src->n, sizeof(*dst->v)) : NULL;
	if (src->n != 0 && dst->v == NULL)
		return -1;
	for (i = 0; i < src->n; i++) {
		dst->v[i].key = strdup(src->v[i].key);
		dst->v[i].value = strdup(src->v[i].value);
		dst->n++;
		if (dst->v[i].key == NULL || dst->v[i].value == NULL)
			return -1;
	}
	return 0;
}

void
mgr_sliver_clear(struct mgr_sliver *s)
{
	unsigned int i;

	kvs_clear(&s->resources);
	kvs_clear(&s->params);
	for (i = 0; i < s->n_vports; i++)
		kvs_clear(&s->vports[i].params);
	free(s->vports);
	memset(s, 0, sizeof(*s));
}

/* Deep copy of 'src' into the zeroed 'dst'. On failure 'dst' holds what was copied. */
static int
sliver_copy(struct mgr_sliver *dst, const struct mgr_sliver *src)
{
	unsigned int i;

	*dst = *src;
	memset(&dst->resources, 0, sizeof(dst->resources));
	memset(&dst->params, 0, sizeof(dst->params));
	dst->vports = NULL;
	dst->n_vports = 0;
	if (kvs_copy(&dst->resources, &src->resources) != 0 ||
	    kvs_copy(&dst->params, &src->params) != 0)
		return -1;
	if (src->n_vports != 0) {
		dst->vports = calloc(src->n_vports, sizeof(*dst->vports));
		if (dst->vports == NULL)
			return -1;
	}
	for (i = 0; i < src->n_vports; i++) {
		dst->vports[i] = src->vports[i];
		memset(&dst->vports[i].params, 0, sizeof(dst->vports[i].params));
		dst->n_vports++;
		if (kvs_copy(&dst->vports[i].params, &src->vports[i].params) != 0)
			return -1;
	}
	return 0;
}

void
mgr_slice_clear(struct mgr_slice *sl)
{
	unsigned int i;

	for (i = 0; i < sl->n_slivers; i++)
		mgr_sliver_clear(&sl->slivers[i]);
	free(sl->slivers);
	free(sl->binds);
	free(sl->fed);
	memset(sl, 0, sizeof(*sl));
}

void
mgr_slice_free(struct mgr_slice *sl)
{
	if (sl == NULL)
		return;
	mgr_slice_clear(sl);
	free(sl);
}

/* Append copies of 'add''s slivers and binds to 'sl'. */
int
mgr_slice_append(struct mgr_slice *sl, const struct mgr_slice *add)
{
	struct mgr_sliver *s;
	struct mgr_bind *b;
	unsigned int i;

	if (add->n_slivers != 0) {
		s = realloc(sl->slivers, (sl->n_slivers + add->n_slivers) * sizeof(*s));
		if (s == NULL)
			return -1;
		sl->slivers = s;
		for (i = 0; i < add->n_slivers; i++) {
			memset(&sl->slivers[sl->n_slivers], 0, sizeof(*s));
			sl->n_slivers++;
			if (sliver_copy(&sl->slivers[sl->n_slivers - 1], &add->slivers[i]) != 0)
				return -1;
		}
	}
	if (add->n_binds != 0) {
		b = realloc(sl->binds, (sl->n_binds + add->n_binds) * sizeof(*b));
		if (b == NULL)
			return -1;
		sl->binds = b;
		memcpy(&b[sl->n_binds], add->binds, add->n_binds * sizeof(*b));
		sl->n_binds += add->n_binds;
	}
	return 0;
}

struct mgr_slice *
mgr_slice_dup(const struct mgr_slice *sl)
{
	struct mgr_slice *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	memcpy(d->id, sl->id, sizeof(d->id));
	memcpy(d->spec_class, sl->spec_class, sizeof(d->spec_class));
	memcpy(d->owner, sl->owner, sizeof(d->owner));
	d->created = sl->created;
	if ((sl->fed != NULL && (d->fed = strdup(sl->fed)) == NULL) ||
	    mgr_slice_append(d, sl) != 0) {
		mgr_slice_free(d);
		return NULL;
	}
	return d;
}

struct mgr_sliver *
mgr_slice_add_sliver(struct mgr_slice *sl, const char *name, enum mgr_kind kind,
		     const char *where, struct mgr_err *e)
{
	struct mgr_sliver *s;

	if (sl->n_slivers >= MGR_MAX_SLIVERS) {
		mgr_fail(e, MGR_BADARGS, "%s: more than %d slivers", where, MGR_MAX_SLIVERS);
		return NULL;
	}
	if (mgr_slice_sliver(sl, name) != NULL) {
		mgr_fail(e, MGR_BADARGS, "%s: sliver name '%s' is used twice", where, name);
		return NULL;
	}
	s = realloc(sl->slivers, (sl->n_slivers + 1) * sizeof(*s));
	if (s == NULL) {
		mgr_fail(e, MGR_SERVERERROR, "out of memory");
		return NULL;
	}
	sl->slivers = s;
	s = &sl->slivers[sl->n_slivers++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->kind = kind;
	return s;
}

struct mgr_vport *
mgr_sliver_add_vport(struct mgr_sliver *s, const char *name, const char *where,
		     struct mgr_err *e)
{
	struct mgr_vport *v;

	if (s->n_vports >= MGR_MAX_VPORTS) {
		mgr_fail(e, MGR_BADARGS, "%s: more than %d vports", where, MGR_MAX_VPORTS);
		return NULL;
	}
	if (mgr_sliver_vport(s, name) != NULL) {
		mgr_fail(e, MGR_BADARGS, "%s: vport '%s' is given twice", where, name);
		return NULL;
	}
	v = realloc(s->vports, (s->n_vports + 1) * sizeof(*v));
	if (v == NULL) {
		mgr_fail(e, MGR_SERVERERROR, "out of memory");
		return NULL;
	}
	s->vports = v;
	v = &s->vports[s->n_vports++];
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	return v;
}

int
mgr_kvs_add(struct mgr_kvs *kv, const char *key, const char *value, const char *where,
	    struct mgr_err *e)
{
	struct mgr_kv *n;

	if (kv->n >= MGR_MAX_KV)
		return mgr_fail(e, MGR_BADARGS, "%s: more than %d keys", where, MGR_MAX_KV);
	if (mgr_kv_get(kv, key) != NULL)
		return mgr_fail(e, MGR_BADARGS, "%s: '%.64s' given twice", where, key);
	n = realloc(kv->v, (kv->n + 1) * sizeof(*n));
	if (n == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	kv->v = n;
	n[kv->n].key = strdup(key);
	n[kv->n].value = strdup(value);
	if (n[kv->n].key == NULL || n[kv->n].value == NULL) {
		free(n[kv->n].key);
		free(n[kv->n].value);
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	}
	kv->n++;
	return 0;
}

struct mgr_bind *
mgr_slice_add_bind(struct mgr_slice *sl, const char *where, struct mgr_err *e)
{
	struct mgr_bind *b;

	if (sl->n_binds >= MGR_MAX_BINDS) {
		mgr_fail(e, MGR_BADARGS, "%s: more than %d binds", where, MGR_MAX_BINDS);
		return NULL;
	}
	b = realloc(sl->binds, (sl->n_binds + 1) * sizeof(*b));
	if (b == NULL) {
		mgr_fail(e, MGR_SERVERERROR, "out of memory");
		return NULL;
	}
	sl->binds = b;
	b = &b[sl->n_binds++];
	memset(b, 0, sizeof(*b));
	return b;
}

struct mgr_sliver *
mgr_slice_sliver(const struct mgr_slice *sl, const char *name)
{
	unsigned int i;

	for (i = 0; i < sl->n_slivers; i++)
		if (strcmp(sl->slivers[i].name, name) == 0)
			return &sl->slivers[i];
	return NULL;
}

struct mgr_vport *
mgr_sliver_vport(const struct mgr_sliver *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->n_vports; i++)
		if (strcmp(s->vports[i].name, name) == 0)
			return &s->vports[i];
	return NULL;
}

/* A node of mgr_reg.by_id: the slice's id (its own string) and its index. */
struct reg_node {
	const char *id;
	unsigned int i;
};

static int
reg_cmp(const void *a, const void *b)
{
	return strcmp(((const struct reg_node *)a)->id, ((const struct reg_node *)b)->id);
}

static struct reg_node *
reg_node(const struct mgr_reg *reg, const char *id)
{
	struct reg_node q = { .id = id };
	void *r = tfind(&q, &reg->by_id, reg_cmp);

	return r != NULL ? *(struct reg_node **)r : NULL;
}

struct mgr_slice *
mgr_reg_find(const struct mgr_reg *reg, const char *id)
{
	const struct reg_node *x = reg_node(reg, id);

	return x != NULL ? reg->slices[x->i] : NULL;
}

int
mgr_reg_commit(struct mgr_reg *reg, const char *id, struct mgr_slice *sl)
{
	struct reg_node *x;
	unsigned int i;

	if (reg->acct == NULL) {
		/* the first commit: what the slices there hold (none, but in tests) */
		reg->acct = mgr_alloc_new(NULL, NULL, NULL);
		if (reg->acct == NULL)
			return -1;
		for (i = 0; i < reg->n; i++)
			mgr_alloc_commit(reg->acct, NULL, reg->slices[i]);
	}
	x = reg_node(reg, id);
	if (x != NULL) {
		i = x->i;
		mgr_alloc_commit(reg->acct, reg->slices[i], sl);
		tdelete(x, &reg->by_id, reg_cmp);
		free(x);
		mgr_slice_free(reg->slices[i]);
		if (sl != NULL) {
			reg->slices[i] = sl;
		} else {
			reg->slices[i] = reg->slices[reg->n - 1];
			reg->n--;
			if (i < reg->n)   /* the last one moved to 'i' */
				reg_node(reg, reg->slices[i]->id)->i = i;
		}
		if (sl == NULL)
			return 0;
	} else {
		if (sl == NULL)
			return 0;
		if (reg->n % 64 == 0) {
			struct mgr_slice **n = realloc(reg->slices, (reg->n + 64) * sizeof(*n));

			if (n == NULL)
				return -1;
			reg->slices = n;
		}
		i = reg->n;
		reg->slices[reg->n++] = sl;
		mgr_alloc_commit(reg->acct, NULL, sl);
	}
	x = malloc(sizeof(*x));
	if (x == NULL)
		return -1;
	x->id = sl->id;
	x->i = i;
	if (tsearch(x, &reg->by_id, reg_cmp) == NULL) {
		free(x);
		return -1;
	}
	return 0;
}

void
mgr_reg_clear(struct mgr_reg *reg)
{
	unsigned int i;

	for (i = 0; i < reg->n; i++)
		mgr_slice_free(reg->slices[i]);
	free(reg->slices);
	reg->slices = NULL;
	reg->n = 0;
	mgr_alloc_free(reg->acct);
	reg->acct = NULL;
	tdestroy(reg->by_id, free);
	reg->by_id = NULL;
}

const char *
mgr_terminal_of(const char *key)
{
	const size_t n = strlen(MGR_TERMINAL_PREFIX);

	return strncmp(key, MGR_TERMINAL_PREFIX, n) == 0 ? key + n : NULL;
}

/* "a.b.c.d" into out (16 bytes). @return 0, -1 if not an IPv4 address. */
int
mgr_ipv4_norm(const char *s, char *out, uint32_t *host)
{
	struct in_addr a;

	if (s == NULL || inet_pton(AF_INET, s, &a) != 1)
		return -1;
	inet_ntop(AF_INET, &a, out, 16);
	if (host != NULL)
		*host = ntohl(a.s_addr);
	return 0;
}

bool
mgr_ike_id_ok(const char *id)
{
	size_t n = strlen(id), i;

	if (n == 0 || n >= MGR_IKE_ID_MAX)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)id[i] <= ' ' || (unsigned char)id[i] >= 0x7f || id[i] == '"' ||
		    id[i] == '\'' || id[i] == '\\')
			return false;
	return true;
}

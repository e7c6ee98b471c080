/* SPDX-License-Identifier: BSD-3-Clause */
/* The manager's side of charon: see mgr_charon.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvici.h>

#include "mgr_charon.h"

/* ESP transforms gw-core implements (docs/ike.md), ESN optional. */
static const char *const esp_proposals[] = { "aes128gcm16-aes256gcm16-esn-noesn",
					     "aes256-sha256-esn-noesn" };

/* ---------------------------------------------------------------- items (pure) */

static int
push_item(struct mgr_charon_item **v, int *n, int *cap, const struct mgr_charon_item *it)
{
	if (*n == *cap) {
		int c = *cap != 0 ? 2 * *cap : 16;
		struct mgr_charon_item *nv = realloc(*v, (size_t)c * sizeof(*nv));

		if (nv == NULL)
			return -1;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = *it;
	return 0;
}

int
mgr_charon_items(const struct mgr_slice *sl, struct mgr_charon_item **out)
{
	static const enum mgr_charon_kind order[] = { MGR_IKE_POOL, MGR_IKE_SECRET, MGR_IKE_CONN };
	struct mgr_charon_item *v = NULL;
	unsigned int o, i, j, p;
	int n = 0, cap = 0;

	*out = NULL;
	for (o = 0; sl != NULL && o < sizeof(order) / sizeof(order[0]); o++)
		for (i = 0; i < sl->n_slivers; i++) {
			const struct mgr_sliver *s = &sl->slivers[i];

			if (s->kind != MGR_LINK || s->state != MGR_EXECUTED)
				continue;
			for (j = 0; j < s->n_vports; j++) {
				const struct mgr_vport *vp = &s->vports[j];
				struct mgr_charon_item it = { .kind = order[o] };
				char pool[MGR_IKE_NAME_MAX];

				if (vp->ep.type != MGR_EP_IPSEC)
					continue;
				snprintf(pool, sizeof(pool), "%s/%s.%s", sl->id, s->name, vp->name);
				if (order[o] == MGR_IKE_POOL) {
					snprintf(it.name, sizeof(it.name), "%s", pool);
					snprintf(it.pool, sizeof(it.pool), "%s", vp->ep.ipsec_pool);
					if (push_item(&v, &n, &cap, &it) != 0)
						goto nomem;
					continue;
				}
				for (p = 0; p < vp->params.n; p++) {
					const struct mgr_kv *kv = &vp->params.v[p];
					const char *tid = mgr_terminal_of(kv->key);

					if (tid == NULL)
						continue;
					it.pubkey = strcmp(kv->value, MGR_AUTH_PUBKEY) == 0;
					if (order[o] == MGR_IKE_SECRET && it.pubkey)
						continue;   /* certificates: no shared key */
					snprintf(it.name, sizeof(it.name), "%s/%s", pool, tid);
					snprintf(it.id, sizeof(it.id), "%s", tid);
					if (order[o] == MGR_IKE_SECRET)
						it.psk = strncmp(kv->value, "psk:", 4) == 0 ?
							 kv->value + 4 : kv->value;
					else
						snprintf(it.pool, sizeof(it.pool), "%s", pool);
					if (push_item(&v, &n, &cap, &it) != 0)
						goto nomem;
				}
			}
		}
	*out = v;
	return n;
nomem:
	free(v);
	return -1;
}

static bool
item_eq(const struct mgr_charon_item *a, const struct mgr_charon_item *b)
{
	return a->kind == b->kind && a->pubkey == b->pubkey && strcmp(a->name, b->name) == 0 &&
	       strcmp(a->pool, b->pool) == 0 && strcmp(a->id, b->id) == 0 &&
	       (a->psk == b->psk || (a->psk != NULL && b->psk != NULL && strcmp(a->psk, b->psk) == 0));
}

/* The item of 'v' with the kind and name of 'it', or NULL. */
static const struct mgr_charon_item *
item_find(const struct mgr_charon_item *v, int n, const struct mgr_charon_item *it)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i].kind == it->kind && strcmp(v[i].name, it->name) == 0)
			return &v[i];
	return NULL;
}

/* ---------------------------------------------------------------- VICI */

static bool vici_ready;

/* Read all of 'path' (at most 1 MiB) into *buf (malloc'd). @return 0; -1 with 'e'. */
static int
read_whole(const char *key, const char *path, void **buf, int *len, struct mgr_err *e)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t n = 0;
	int err;

	if (f == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "[manager] %s = %s: %s", key, path,
				strerror(errno));
	b = malloc(1 << 20);
	if (b != NULL)
		n = fread(b, 1, 1 << 20, f);
	err = b == NULL ? ENOMEM : ferror(f) ? EIO : !feof(f) ? EFBIG : n == 0 ? ENODATA : 0;
	fclose(f);
	if (err != 0) {
		free(b);
		return mgr_fail(e, MGR_SERVERERROR, "[manager] %s = %s: %s", key, path,
				err == EFBIG ? "larger than 1 MiB" : err == ENODATA ? "empty"
								     : strerror(err));
	}
	*buf = realloc(b, n);       /* keep what the file holds, not the 1 MiB */
	if (*buf == NULL)
		*buf = b;
	*len = (int)n;
	return 0;
}

static void
wipe_free(void **p, int *len)
{
	if (*p != NULL)
		memset(*p, 0, (size_t)*len);   /* the private key, too */
	free(*p);
	*p = NULL;
	*len = 0;
}

int
mgr_charon_init(struct mgr_charon *k, const struct mgr_charon_conf *conf, struct mgr_err *e)
{
	int named;

	memset(k, 0, sizeof(*k));
	k->conf = *conf;
	if (conf->enabled && !vici_ready) {
		vici_init();
		vici_ready = true;
	}
	named = (conf->cert_file[0] != '\0') + (conf->key_file[0] != '\0') +
		(conf->cacert_file[0] != '\0');
	if (named == 0)
		return 0;
	if (named != 3)
		return mgr_fail(e, MGR_BADARGS, "[manager] ike_cert, ike_key and ike_cacert go "
						"together (certificate terminals need all three)");
	if (read_whole("ike_cert", conf->cert_file, &k->cert, &k->cert_len, e) != 0 ||
	    read_whole("ike_key", conf->key_file, &k->key, &k->key_len, e) != 0 ||
	    read_whole("ike_cacert", conf->cacert_file, &k->cacert, &k->cacert_len, e) != 0) {
		mgr_charon_fini(k);
		return -1;
	}
	return 0;
}

static void
drop_conn(struct mgr_charon *k, const char *why)
{
	if (k->conn != NULL)
		vici_disconnect(k->conn);
	k->conn = NULL;
	snprintf(k->last_error, sizeof(k->last_error), "%s", why);
}

void
mgr_charon_fini(struct mgr_charon *k)
{
	drop_conn(k, "stopped");
	wipe_free(&k->cert, &k->cert_len);
	wipe_free(&k->key, &k->key_len);
	wipe_free(&k->cacert, &k->cacert_len);
	k->key_id[0] = '\0';
}

static int
unavailable(struct mgr_charon *k, struct mgr_err *e)
{
	return mgr_fail(e, MGR_UNAVAILABLE, "charon is not reachable at %s (%s)", k->conf.uri,
			k->last_error[0] != '\0' ? k->last_error : "not connected");
}

/*
 * Submit 'req' (consumed). @return the response (vici_free_res()), or NULL with 'e'
 * UNAVAILABLE and the connection dropped.
 */
static vici_res_t *
submit(struct mgr_charon *k, vici_req_t *req, const char *cmd, struct mgr_err *e)
{
	vici_res_t *res;
	char why[MGR_MSG_MAX];

	if (k->conn == NULL) {
		vici_free_req(req);
		unavailable(k, e);
		return NULL;
	}
	res = vici_submit(req, k->conn);
	if (res == NULL) {
		snprintf(why, sizeof(why), "%s: %s", cmd, strerror(errno));
		drop_conn(k, why);
		unavailable(k, e);
	}
	return res;
}

/*
 * Submit a command answering { success, errmsg }. @return 0; -1 with 'e': UNAVAILABLE,
 * or BADARGS with charon's message about 'what'.
 */
static int
command(struct mgr_charon *k, vici_req_t *req, const char *cmd, const char *what,
	struct mgr_err *e)
{
	vici_res_t *res = submit(k, req, cmd, e);
	int rc = 0;

	if (res == NULL)
		return -1;
	if (strcmp(vici_find_str(res, "no", "success"), "yes") != 0)
		rc = mgr_fail(e, MGR_BADARGS, "charon refused %s %s: %s", cmd, what,
			      vici_find_str(res, "no reason given", "errmsg"));
	vici_free_res(res);
	return rc;
}

static void
add_kv(vici_req_t *r, const char *key, const char *val)
{
	vici_add_key_valuef(r, (char *)key, "%s", val);
}

static void
add_list1(vici_req_t *r, const char *key, const char *val)
{
	vici_begin_list(r, (char *)key);
	vici_add_list_itemf(r, "%s", val);
	vici_end_list(r);
}

static void
add_blob1(vici_req_t *r, const char *key, void *blob, int len)
{
	vici_begin_list(r, (char *)key);
	vici_add_list_item(r, blob, len);
	vici_end_list(r);
}

/* One side of a connection: PSK, or our certificate / the terminal's CA. */
static void
add_auth(struct mgr_charon *k, vici_req_t *r, bool local, const struct mgr_charon_item *it)
{
	vici_begin_section(r, local ? "local" : "remote");
	add_kv(r, "auth", it->pubkey ? "pubkey" : "psk");
	if (local && k->conf.local_id[0] != '\0')
		add_kv(r, "id", k->conf.local_id);
	if (!local)
		add_kv(r, "id", it->id);
	if (it->pubkey && local)
		add_blob1(r, "certs", k->cert, k->cert_len);
	if (it->pubkey && !local)
		add_blob1(r, "cacerts", k->cacert, k->cacert_len);
	vici_end_section(r);
}

static int
load_item(struct mgr_charon *k, const struct mgr_charon_item *it, struct mgr_err *e)
{
	vici_req_t *r;
	unsigned int i;

	switch (it->kind) {
	case MGR_IKE_POOL:
		r = vici_begin("load-pool");
		vici_begin_section(r, (char *)it->name);
		add_kv(r, "addrs", it->pool);
		vici_end_section(r);
		return command(k, r, "load-pool", it->name, e);
	case MGR_IKE_SECRET:
		r = vici_begin("load-shared");
		add_kv(r, "id", it->name);
		add_kv(r, "type", "IKE");
		vici_add_key_value(r, "data", (void *)it->psk, (int)strlen(it->psk));
		add_list1(r, "owners", it->id);
		return command(k, r, "load-shared", it->name, e);
	case MGR_IKE_CONN:
		r = vici_begin("load-conn");
		vici_begin_section(r, (char *)it->name);
		add_kv(r, "version", "2");
		add_list1(r, "pools", it->pool);
		add_kv(r, "unique", "replace");   /* a terminal that reconnects replaces itself */
		if (k->conf.dpd_delay_s != 0)
			vici_add_key_valuef(r, "dpd_delay", "%us", k->conf.dpd_delay_s);
		add_auth(k, r, true, it);
		add_auth(k, r, false, it);
		vici_begin_section(r, "children");
		vici_begin_section(r, (char *)it->name);
		add_list1(r, "local_ts", "0.0.0.0/0");   /* the slice, narrowed by the terminal */
		vici_begin_list(r, "esp_proposals");
		for (i = 0; i < sizeof(esp_proposals) / sizeof(esp_proposals[0]); i++)
			vici_add_list_itemf(r, "%s", esp_proposals[i]);
		vici_end_list(r);
		add_kv(r, "dpd_action", "clear");
		vici_end_section(r);
		vici_end_section(r);
		vici_end_section(r);
		return command(k, r, "load-conn", it->name, e);
	}
	return mgr_fail(e, MGR_SERVERERROR, "charon: unknown item kind %d", it->kind);
}

/* Unload one item; a connection's IKE_SAs are closed at once. Only UNAVAILABLE fails. */
static int
unload_item(struct mgr_charon *k, const struct mgr_charon_item *it, struct mgr_err *e)
{
	static const char *const cmds[] = { [MGR_IKE_POOL] = "unload-pool",
					    [MGR_IKE_SECRET] = "unload-shared",
					    [MGR_IKE_CONN] = "unload-conn" };
	struct mgr_err ue = { 0 };
	vici_req_t *r = vici_begin((char *)cmds[it->kind]);
	vici_res_t *res;

	add_kv(r, it->kind == MGR_IKE_SECRET ? "id" : "name", it->name);
	if (command(k, r, cmds[it->kind], it->name, &ue) != 0) {
		if (ue.code == MGR_UNAVAILABLE) {
			if (e != NULL)
				*e = ue;
			return -1;
		}
		fprintf(stderr, "manager: %s\n", ue.msg);
	}
	if (it->kind != MGR_IKE_CONN)
		return 0;
	/* force: do not wait for a terminal that may be gone; "no matching SAs" is fine */
	r = vici_begin("terminate");
	add_kv(r, "ike", it->name);
	add_kv(r, "force", "yes");
	res = submit(k, r, "terminate", e);
	if (res == NULL)
		return -1;
	vici_free_res(res);
	return 0;
}

struct key_seen {
	const char *id;
	bool seen;
};

static int
keys_li(void *user, vici_res_t *res, char *name, void *value, int len)
{
	struct key_seen *ks = user;

	(void)res;
	(void)name;
	if (len == (int)strlen(ks->id) && memcmp(value, ks->id, (size_t)len) == 0)
		ks->seen = true;
	return 0;
}

/*
 * 'v' wants certificates: are they configured, and is the AGW's private key in charon
 * (load-key after charon started, or after someone unloaded it)? @return 0; -1 with 'e'.
 */
static int
ensure_key(struct mgr_charon *k, const struct mgr_charon_item *v, int n, struct mgr_err *e)
{
	vici_req_t *r;
	vici_res_t *res;
	int i;

	for (i = 0; i < n && !(v[i].kind == MGR_IKE_CONN && v[i].pubkey); i++)
		;
	if (i == n)
		return 0;
	if (k->key == NULL)
		return mgr_fail(e, MGR_UNSUPPORTED,
				"terminal '%s' authenticates with a certificate, but this AGW has "
				"none: set [manager] ike_cert, ike_key and ike_cacert (docs/ike.md)",
				v[i].id);
	if (k->key_id[0] != '\0') {
		struct key_seen ks = { .id = k->key_id };

		res = submit(k, vici_begin("get-keys"), "get-keys", e);
		if (res == NULL)
			return -1;
		vici_parse_cb(res, NULL, NULL, keys_li, &ks);
		vici_free_res(res);
		if (ks.seen)
			return 0;
	}
	r = vici_begin("load-key");
	add_kv(r, "type", "any");
	vici_add_key_value(r, "data", k->key, k->key_len);
	res = submit(k, r, "load-key", e);
	if (res == NULL)
		return -1;
	if (strcmp(vici_find_str(res, "no", "success"), "yes") != 0) {
		mgr_fail(e, MGR_BADARGS, "charon refused the key of [manager] ike_key = %s: %s",
			 k->conf.key_file, vici_find_str(res, "no reason given", "errmsg"));
		vici_free_res(res);
		return -1;
	}
	snprintf(k->key_id, sizeof(k->key_id), "%s", vici_find_str(res, "", "id"));
	vici_free_res(res);
	printf("manager: charon at %s: loaded the AGW's private key (%s)\n", k->conf.uri,
	       k->conf.key_file);
	return 0;
}

/*
 * Make charon go from 'old' to 'want': load the items of 'want' that 'old' lacks or has
 * otherwise, then unload (in reverse order) the items of 'old' that 'want' lacks.
 */
static int
push(struct mgr_charon *k, const struct mgr_charon_item *old, int n_old,
     const struct mgr_charon_item *want, int n_want, struct mgr_err *e)
{
	const struct mgr_charon_item *o;
	int i;

	for (i = 0; i < n_want; i++) {
		o = item_find(old, n_old, &want[i]);
		if ((o == NULL || !item_eq(o, &want[i])) && load_item(k, &want[i], e) != 0)
			return -1;
	}
	for (i = n_old - 1; i >= 0; i--)
		if (item_find(want, n_want, &old[i]) == NULL && unload_item(k, &old[i], e) != 0)
			return -1;
	return 0;
}

int
mgr_charon_apply(struct mgr_charon *k, const char *id, const struct mgr_slice *old,
	      const struct mgr_slice *want, struct mgr_err *e)
{
	struct mgr_charon_item *ov = NULL, *wv = NULL;
	int no, nw, rc = -1;

	no = mgr_charon_items(old, &ov);
	nw = mgr_charon_items(want, &wv);
	if (no < 0 || nw < 0) {
		mgr_fail(e, MGR_SERVERERROR, "out of memory");
		goto out;
	}
	if (!k->conf.enabled) {
		int i;

		for (i = 0; i < nw && item_find(ov, no, &wv[i]) != NULL; i++)
			;
		if (i < nw) {
			mgr_fail(e, MGR_UNSUPPORTED,
				 "slice '%s' has a running IPsec link vport, but this AGW runs no "
				 "IKE daemon: set [agw] ike = yes in agw.conf (docs/ike.md)", id);
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (no == 0 && nw == 0) {
		rc = 0;
		goto out;
	}
	if (ensure_key(k, wv, nw, e) != 0)
		goto out;   /* nothing changed yet */
	rc = push(k, ov, no, wv, nw, e);
	if (rc != 0 && e != NULL && e->code != MGR_UNAVAILABLE)
		push(k, wv, nw, ov, no, NULL);   /* best effort back to 'old' */
out:
	free(ov);
	free(wv);
	return rc;
}

/* ---------------------------------------------------------------- reconcile */

struct owned {
	struct mgr_charon_item *v;
	int n, cap;
	enum mgr_charon_kind kind;
	bool nomem;
};

static void
owned_add(struct owned *o, const char *name, int len)
{
	struct mgr_charon_item it = { .kind = o->kind };

	if (len <= 0 || len >= (int)sizeof(it.name) || memchr(name, '/', (size_t)len) == NULL)
		return;    /* not the manager's (see mgr_charon.h) */
	memcpy(it.name, name, (size_t)len);
	if (push_item(&o->v, &o->n, &o->cap, &it) != 0)
		o->nomem = true;
}

static int
owned_li(void *user, vici_res_t *res, char *name, void *value, int len)
{
	(void)res;
	(void)name;
	owned_add(user, value, len);
	return 0;
}

static int
owned_section(void *user, vici_res_t *res, char *name)
{
	(void)res;
	owned_add(user, name, (int)strlen(name));
	return 0;
}

/* What charon holds over VICI under a manager-style name. */
static int
list_owned(struct mgr_charon *k, struct owned *o, struct mgr_err *e)
{
	static const struct {
		enum mgr_charon_kind kind;
		const char *cmd;
	} q[] = { { MGR_IKE_POOL, "get-pools" }, { MGR_IKE_SECRET, "get-shared" },
		  { MGR_IKE_CONN, "get-conns" } };
	unsigned int i;

	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		vici_res_t *res = submit(k, vici_begin((char *)q[i].cmd), q[i].cmd, e);

		if (res == NULL)
			return -1;
		o->kind = q[i].kind;
		vici_parse_cb(res, owned_section, NULL, owned_li, o);
		vici_free_res(res);
	}
	return o->nomem ? mgr_fail(e, MGR_SERVERERROR, "out of memory") : 0;
}

/*
 * Make charon hold what 'reg' wants. Unless 'force', nothing is sent when charon holds
 * exactly the wanted names already (the cheap check run every gw_core_check_ms: it also
 * catches objects someone else unloaded, e.g. 'swanctl --load-all' with a file that
 * lacks them).
 */
static int
reconcile(struct mgr_charon *k, const struct mgr_reg *reg, bool force, struct mgr_err *e)
{
	struct owned have = { 0 };
	struct mgr_charon_item *all = NULL;
	int n = 0, cap = 0, rc = -1, m, j;
	unsigned int i;

	if (list_owned(k, &have, e) != 0)
		goto out;
	for (i = 0; i < reg->n; i++) {
		struct mgr_charon_item *v;

		m = mgr_charon_items(reg->slices[i], &v);
		for (j = 0; j < m; j++)
			if (push_item(&all, &n, &cap, &v[j]) != 0)
				m = -1;
		free(v);
		if (m < 0) {
			mgr_fail(e, MGR_SERVERERROR, "out of memory");
			goto out;
		}
	}
	/* every check: charon loses the key when it restarts or its credentials are cleared */
	if (ensure_key(k, all, n, e) != 0)
		goto out;
	if (!force && have.n == n) {
		for (j = 0; j < n && item_find(have.v, have.n, &all[j]) != NULL; j++)
			;
		if (j == n) {
			rc = 0;
			goto out;
		}
	}
	/* the listed items carry names only: everything wanted is (re)loaded */
	rc = push(k, have.v, have.n, all, n, e);
	if (rc == 0)
		printf("manager: charon at %s: loaded %d connections, shared keys and pools "
		       "(it held %d of ours)\n", k->conf.uri, n, have.n);
out:
	free(have.v);
	free(all);
	return rc;
}

int
mgr_charon_check(struct mgr_charon *k, const struct mgr_reg *reg, struct mgr_err *e)
{
	char why[MGR_MSG_MAX];

	if (!k->conf.enabled)
		return 0;
	if (k->conn != NULL) {
		/* a failed last reconcile (charon refused a value) is tried again in full */
		k->synced = reconcile(k, reg, !k->synced, e) == 0;
		if (k->conn != NULL)
			return k->synced ? 0 : -1;
	}
	k->conn = vici_connect(k->conf.uri);
	if (k->conn == NULL) {
		snprintf(why, sizeof(why), "connect: %s", strerror(errno));
		drop_conn(k, why);
		return unavailable(k, e);
	}
	k->connects++;
	k->last_error[0] = '\0';
	k->synced = reconcile(k, reg, true, e) == 0;
	return k->synced ? 0 : -1;
}

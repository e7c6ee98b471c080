/* SPDX-License-Identifier: BSD-3-Clause */
/* The manager's desired state in SQLite: see mgr_store.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "agw_json.h"
#include "mgr_ep.h"
#include "mgr_store.h"

/* The statements every put and del run, each prepared once (SQLITE_PREPARE_PERSISTENT)
 * and reset after each use: preparing them per call was a tenth of the manager's CPU
 * in the 1,000-slice bench (perf). */
enum store_stmt {
	Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_PUT_SLICE, Q_PUT_SLIVER, Q_DEL_SLIVERS, Q_DEL_SLICE,
	Q_N
};

/* Each statement's SQL and what an error names it. */
static const struct {
	const char *sql, *what;
} stmt[Q_N] = {
	[Q_BEGIN] = { "BEGIN IMMEDIATE", "begin" },
	[Q_COMMIT] = { "COMMIT", "commit" },
	[Q_ROLLBACK] = { "ROLLBACK", "rollback" },
	[Q_PUT_SLICE] = { "INSERT INTO slices(id, spec_class, created, binds, owner, fed) "
			  "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(id) DO UPDATE SET "
			  "spec_class = excluded.spec_class, created = excluded.created, "
			  "binds = excluded.binds, owner = excluded.owner, fed = excluded.fed",
			  "insert slice" },
	[Q_PUT_SLIVER] = { "INSERT INTO slivers VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
			   "ON CONFLICT(slice_id, name) DO UPDATE SET kind = excluded.kind, "
			   "state = excluded.state, def = excluded.def, ord = excluded.ord",
			   "insert sliver" },
	/* the slivers it had and no longer has (SQLite's json_each: the names as a table) */
	[Q_DEL_SLIVERS] = { "DELETE FROM slivers WHERE slice_id = ?1 AND name NOT IN "
			    "(SELECT value FROM json_each(?2))", "delete slivers" },
	/* one statement: its own transaction; slivers go by ON DELETE CASCADE */
	[Q_DEL_SLICE] = { "DELETE FROM slices WHERE id = ?1", "delete slice" },
};

struct mgr_store {
	sqlite3 *db;
	sqlite3_stmt *q[Q_N];
	char path[256];
};

static int
dbfail(struct mgr_store *st, struct mgr_err *e, const char *what)
{
	return mgr_fail(e, MGR_DBERROR, "state database %s: %s: %s", st->path, what,
			st->db != NULL ? sqlite3_errmsg(st->db) : "cannot open");
}

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"PRAGMA foreign_keys=ON;"
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"INSERT OR IGNORE INTO meta VALUES('schema', '1');"
	"CREATE TABLE IF NOT EXISTS slices("
	"  id TEXT PRIMARY KEY, spec_class TEXT NOT NULL, created INTEGER NOT NULL,"
	"  binds TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS slivers("
	"  slice_id TEXT NOT NULL REFERENCES slices(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL, def TEXT NOT NULL,"
	"  ord INTEGER NOT NULL, PRIMARY KEY(slice_id, name));";

/* Schema 1 -> 2: slices get their owner (the principal that created them). */
static const char migrate_2[] =
	"BEGIN IMMEDIATE;"
	"ALTER TABLE slices ADD COLUMN owner TEXT NOT NULL DEFAULT '';"
	"UPDATE meta SET value = '2' WHERE key = 'schema';"
	"COMMIT;";

/* Schema 2 -> 3: slices made over the Common API 2.0 keep their federation record. */
static const char migrate_3[] =
	"BEGIN IMMEDIATE;"
	"ALTER TABLE slices ADD COLUMN fed TEXT;"
	"UPDATE meta SET value = '3' WHERE key = 'schema';"
	"COMMIT;";

static int
schema_version(struct mgr_store *st)
{
	sqlite3_stmt *q;
	int v = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = 'schema'", -1, &q,
			       NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = atoi((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return v;
}

struct mgr_store *
mgr_store_open(const char *path, struct mgr_err *e)
{
	struct mgr_store *st = calloc(1, sizeof(*st));
	char *err = NULL;
	unsigned int i;

	if (st == NULL) {
		mgr_fail(e, MGR_SERVERERROR, "out of memory");
		return NULL;
	}
	snprintf(st->path, sizeof(st->path), "%s", path);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				   SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		dbfail(st, e, "open");
		mgr_store_close(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, 5000);
	/* It holds terminal keys: the owner only (SQLite gives -wal and -shm the same mode). */
	if (path[0] != ':' && path[0] != '\0' && chmod(path, 0600) != 0)
		fprintf(stderr, "manager: state database %s: chmod 0600: %s\n", path,
			strerror(errno));
	if (sqlite3_exec(st->db, schema, NULL, NULL, &err) != SQLITE_OK ||
	    (schema_version(st) == 1 &&
	     sqlite3_exec(st->db, migrate_2, NULL, NULL, &err) != SQLITE_OK) ||
	    (schema_version(st) == 2 &&
	     sqlite3_exec(st->db, migrate_3, NULL, NULL, &err) != SQLITE_OK)) {
		mgr_fail(e, MGR_DBERROR, "state database %s: schema: %s", path,
			 err != NULL ? err : "?");
		sqlite3_free(err);
		mgr_store_close(st);
		return NULL;
	}
	for (i = 0; i < Q_N; i++)
		if (sqlite3_prepare_v3(st->db, stmt[i].sql, -1, SQLITE_PREPARE_PERSISTENT, &st->q[i],
				       NULL) != SQLITE_OK) {
			dbfail(st, e, stmt[i].what);
			mgr_store_close(st);
			return NULL;
		}
	return st;
}

void
mgr_store_close(struct mgr_store *st)
{
	unsigned int i;

	if (st == NULL)
		return;
	for (i = 0; i < Q_N; i++)
		sqlite3_finalize(st->q[i]);
	sqlite3_close(st->db);
	free(st);
}

/* ---------------------------------------------------------------- JSON forms */

static struct json_object *
kvs_to_json(const struct mgr_kvs *kv)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < kv->n; i++) {
		struct json_object *p = json_object_new_array();

		json_object_array_add(p, json_object_new_string(kv->v[i].key));
		json_object_array_add(p, json_object_new_string(kv->v[i].value));
		json_object_array_add(a, p);
	}
	return a;
}

static int
kvs_from_json(struct json_object *a, struct mgr_kvs *kv)
{
	size_t i, n;

	if (!json_object_is_type(a, json_type_array))
		return -1;
	n = json_object_array_length(a);
	kv->v = n != 0 ? calloc(n, sizeof(*kv->v)) : NULL;
	if (n != 0 && kv->v == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(a, i);

		if (json_object_array_length(p) != 2)
			return -1;
		kv->v[i].key = strdup(json_object_get_string(json_object_array_get_idx(p, 0)));
		kv->v[i].value = strdup(json_object_get_string(json_object_array_get_idx(p, 1)));
		kv->n++;
		if (kv->v[i].key == NULL || kv->v[i].value == NULL)
			return -1;
	}
	return 0;
}


struct json_object *
mgr_sliver_to_json(const struct mgr_sliver *s)
{
	struct json_object *o = json_object_new_object(), *vps = json_object_new_array();
	unsigned int i;

	agw_json_add_str(o, "name", s->name);
	agw_json_add_str(o, "kind", s->kind == MGR_LINK ? "link" : "node");
	agw_json_add_str(o, "state", mgr_state_name(s->state));
	if (s->kind == MGR_NODE) {
		agw_json_add_str(o, "type", s->type);
		agw_json_add_str(o, "instance", s->instance);
	} else {
		agw_json_add_int(o, "bandwidth_bps", (int64_t)s->bandwidth_bps);
		agw_json_add_int(o, "burst_bytes", (int64_t)s->burst_bytes);
		agw_json_add_int(o, "protocols", s->protocols);
	}
	json_object_object_add(o, "resources", kvs_to_json(&s->resources));
	json_object_object_add(o, "params", kvs_to_json(&s->params));
	for (i = 0; i < s->n_vports; i++) {
		const struct mgr_vport *vp = &s->vports[i];
		struct json_object *v = json_object_new_object();

		agw_json_add_str(v, "name", vp->name);
		json_object_object_add(v, "params", kvs_to_json(&vp->params));
		if (s->kind == MGR_LINK)
			mgr_ep_to_json(v, &vp->ep);
		if (s->kind == MGR_LINK && vp->ep.trl_key[0] != '\0') {
			/* the store keeps the secret itself (the database file is 0600) */
			agw_json_add_str(v, "trl_key", vp->ep.trl_key);
			json_object_object_add(v, "trl_key_required",
					       json_object_new_boolean(vp->ep.trl_key_required));
		}
		json_object_array_add(vps, v);
	}
	json_object_object_add(o, "vports", vps);
	return o;
}



int
mgr_sliver_from_json(struct json_object *o, struct mgr_sliver *s)
{
	struct json_object *vps, *a;
	size_t i;
	bool have;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", agw_json_str(o, "name"));
	s->kind = strcmp(agw_json_str(o, "kind"), "link") == 0 ? MGR_LINK : MGR_NODE;
	s->state = strcmp(agw_json_str(o, "state"), "executed") == 0 ? MGR_EXECUTED : MGR_CREATED;
	snprintf(s->type, sizeof(s->type), "%s", agw_json_str(o, "type"));
	snprintf(s->instance, sizeof(s->instance), "%s", agw_json_str(o, "instance"));
	s->bandwidth_bps = (uint64_t)agw_json_int(o, "bandwidth_bps", 0, &have);
	s->burst_bytes = (uint64_t)agw_json_int(o, "burst_bytes", 0, &have);
	s->protocols = (unsigned int)agw_json_int(o, "protocols", 0, &have);
	if (!json_object_object_get_ex(o, "resources", &a) || kvs_from_json(a, &s->resources) != 0 ||
	    !json_object_object_get_ex(o, "params", &a) || kvs_from_json(a, &s->params) != 0 ||
	    !json_object_object_get_ex(o, "vports", &vps) ||
	    !json_object_is_type(vps, json_type_array) || !mgr_name_ok(s->name))
		return -1;
	s->vports = calloc(json_object_array_length(vps) + 1, sizeof(*s->vports));
	if (s->vports == NULL)
		return -1;
	for (i = 0; i < json_object_array_length(vps); i++) {
		struct json_object *v = json_object_array_get_idx(vps, i);
		struct mgr_vport *vp = &s->vports[i];
		struct mgr_ep *ep = &vp->ep;

		s->n_vports++;
		snprintf(vp->name, sizeof(vp->name), "%s", agw_json_str(v, "name"));
		if (!json_object_object_get_ex(v, "params", &a) || kvs_from_json(a, &vp->params) != 0)
			return -1;
		if (s->kind != MGR_LINK)
			continue;
		if (mgr_ep_from_json(v, ep) != 0)
			return -1;
	}
	return 0;
}

static struct json_object *
binds_to_json(const struct mgr_slice *sl)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < sl->n_binds; i++) {
		struct json_object *b = json_object_new_array();
		int k;

		for (k = 0; k < 2; k++) {
			json_object_array_add(b, json_object_new_string(sl->binds[i].sliver[k]));
			json_object_array_add(b, json_object_new_string(sl->binds[i].vport[k]));
		}
		json_object_array_add(a, b);
	}
	return a;
}

/* ---------------------------------------------------------------- SQL */

/* Statement 'k' with its bindings so far run to completion, then reset for its next use. */
static int
run(struct mgr_store *st, enum store_stmt k, struct mgr_err *e)
{
	int rc = sqlite3_step(st->q[k]);

	sqlite3_reset(st->q[k]);
	sqlite3_clear_bindings(st->q[k]);
	return rc == SQLITE_DONE ? 0 : dbfail(st, e, stmt[k].what);
}

/* Undo the open transaction: after a failed step, or a failed COMMIT. */
static void
rollback(struct mgr_store *st)
{
	struct mgr_err ignored = { 0 };

	if (!sqlite3_get_autocommit(st->db))
		run(st, Q_ROLLBACK, &ignored);
}

/*
 * Slice 'sl' as it is now, in one transaction, rows changed in place: a slice row and
 * its slivers' rows are upserted, and the slivers it no longer has deleted. A state
 * change (Run, Stop) so rewrites the pages of those rows only: at most 4 WAL frames in
 * the store's unit test, where deleting and inserting the rows wrote 7 (and 4.0 pages
 * a commit against 6.3 in the 1,000-slice bench). Each page is written before the
 * commit's fdatasync.
 */
int
mgr_store_put(struct mgr_store *st, const struct mgr_slice *sl, struct mgr_err *e)
{
	struct json_object *binds = binds_to_json(sl), *names = json_object_new_array();
	sqlite3_stmt *q;
	unsigned int i;

	if (run(st, Q_BEGIN, e) != 0) {
		json_object_put(binds);
		json_object_put(names);
		return -1;
	}
	q = st->q[Q_PUT_SLICE];
	sqlite3_bind_text(q, 1, sl->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, sl->spec_class, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, sl->created);
	sqlite3_bind_text(q, 4, json_object_to_json_string_ext(binds, JSON_C_TO_STRING_PLAIN), -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 5, sl->owner, -1, SQLITE_STATIC);
	if (sl->fed != NULL)
		sqlite3_bind_text(q, 6, sl->fed, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 6);
	if (run(st, Q_PUT_SLICE, e) != 0)
		goto fail;
	q = st->q[Q_PUT_SLIVER];
	for (i = 0; i < sl->n_slivers; i++) {
		const struct mgr_sliver *s = &sl->slivers[i];
		struct json_object *def = mgr_sliver_to_json(s);

		json_object_array_add(names, json_object_new_string(s->name));
		sqlite3_bind_text(q, 1, sl->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, s->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, s->kind == MGR_LINK ? "link" : "node", -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, mgr_state_name(s->state), -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 5, json_object_to_json_string_ext(def, JSON_C_TO_STRING_PLAIN),
				  -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(q, 6, (int)i);
		json_object_put(def);
		if (run(st, Q_PUT_SLIVER, e) != 0)
			goto fail;
	}
	q = st->q[Q_DEL_SLIVERS];
	sqlite3_bind_text(q, 1, sl->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, json_object_to_json_string_ext(names, JSON_C_TO_STRING_PLAIN), -1,
			  SQLITE_TRANSIENT);
	if (run(st, Q_DEL_SLIVERS, e) != 0)
		goto fail;
	json_object_put(binds);
	json_object_put(names);
	if (run(st, Q_COMMIT, e) != 0) {
		rollback(st);
		return -1;
	}
	return 0;
fail:
	json_object_put(binds);
	json_object_put(names);
	rollback(st);
	return -1;
}

int
mgr_store_del(struct mgr_store *st, const char *id, struct mgr_err *e)
{
	sqlite3_bind_text(st->q[Q_DEL_SLICE], 1, id, -1, SQLITE_STATIC);
	return run(st, Q_DEL_SLICE, e);
}

static int
load_slivers(struct mgr_store *st, struct mgr_slice *sl, struct mgr_err *e)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT def FROM slivers WHERE slice_id = ?1 ORDER BY ord",
			       -1, &q, NULL) != SQLITE_OK)
		return dbfail(st, e, "read slivers");
	sqlite3_bind_text(q, 1, sl->id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct json_object *j = json_tokener_parse((const char *)sqlite3_column_text(q, 0));
		struct mgr_sliver *n = realloc(sl->slivers, (sl->n_slivers + 1) * sizeof(*n));

		if (n != NULL) {
			sl->slivers = n;
			sl->n_slivers++;
		}
		if (n == NULL || j == NULL ||
		    mgr_sliver_from_json(j, &sl->slivers[sl->n_slivers - 1]) != 0) {
			json_object_put(j);
			sqlite3_finalize(q);
			return mgr_fail(e, MGR_DBERROR,
					"state database %s: slice '%s' has a malformed sliver row",
					st->path, sl->id);
		}
		json_object_put(j);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : dbfail(st, e, "read slivers");
}

int
mgr_store_load(struct mgr_store *st, struct mgr_reg *reg, struct mgr_err *e)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(st->db,
			       "SELECT id, spec_class, created, binds, owner, fed FROM slices", -1,
			       &q, NULL) != SQLITE_OK)
		return dbfail(st, e, "read slices");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct mgr_slice *sl = calloc(1, sizeof(*sl));
		struct json_object *b = json_tokener_parse((const char *)sqlite3_column_text(q, 3));
		size_t i, n = json_object_is_type(b, json_type_array) ? json_object_array_length(b) : 0;

		if (sl == NULL || b == NULL) {
			free(sl);
			json_object_put(b);
			goto bad;
		}
		snprintf(sl->id, sizeof(sl->id), "%s", (const char *)sqlite3_column_text(q, 0));
		snprintf(sl->spec_class, sizeof(sl->spec_class), "%s",
			 (const char *)sqlite3_column_text(q, 1));
		sl->created = sqlite3_column_int64(q, 2);
		snprintf(sl->owner, sizeof(sl->owner), "%s", (const char *)sqlite3_column_text(q, 4));
		if (sqlite3_column_type(q, 5) == SQLITE_TEXT &&
		    (sl->fed = strdup((const char *)sqlite3_column_text(q, 5))) == NULL) {
			free(sl);
			json_object_put(b);
			goto bad;
		}
		sl->binds = calloc(n + 1, sizeof(*sl->binds));
		for (i = 0; sl->binds != NULL && i < n; i++) {
			struct json_object *x = json_object_array_get_idx(b, i);
			int k;

			for (k = 0; k < 2; k++) {
				snprintf(sl->binds[i].sliver[k], MGR_NAME_MAX, "%s",
					 json_object_get_string(json_object_array_get_idx(x, 2 * k)));
				snprintf(sl->binds[i].vport[k], MGR_NAME_MAX, "%s",
					 json_object_get_string(
						 json_object_array_get_idx(x, 2 * k + 1)));
			}
			sl->n_binds++;
		}
		json_object_put(b);
		if (sl->binds == NULL || load_slivers(st, sl, e) != 0 ||
		    mgr_reg_commit(reg, sl->id, sl) != 0) {
			mgr_slice_free(sl);
			sqlite3_finalize(q);
			mgr_reg_clear(reg);
			return -1;
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		mgr_reg_clear(reg);
		return dbfail(st, e, "read slices");
	}
	return 0;
bad:
	sqlite3_finalize(q);
	mgr_reg_clear(reg);
	return mgr_fail(e, MGR_DBERROR, "state database %s: a malformed slice row", st->path);
}

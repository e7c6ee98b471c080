/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager's desired state in SQLite (WAL journal, synchronous=FULL): one row per
 * slice, one per sliver (its definition and planned endpoints as JSON, its state as a
 * column operators can query). Every put/del is one transaction, so a crash in the
 * middle of an operation leaves the previous state. Schema: docs/manager.md.
 *
 * Thread context: one thread at a time per store (the manager's m->lock, mgr_ops.h).
 */
#ifndef AGW_MGR_STORE_H
#define AGW_MGR_STORE_H

#include <json-c/json.h>

#include "mgr.h"

struct mgr_store;

/**
 * Open (create if missing) the database at 'path'; its directory must exist.
 * @return the store; NULL with 'e' (DBERROR: path, and SQLite's reason).
 */
struct mgr_store *mgr_store_open(const char *path, struct mgr_err *e);

/** Close. NULL is fine. */
void mgr_store_close(struct mgr_store *st);

/**
 * Read every slice into 'reg' (which must be empty).
 * @return 0; -1 with 'e' (DBERROR), 'reg' left empty.
 */
int mgr_store_load(struct mgr_store *st, struct mgr_reg *reg, struct mgr_err *e);

/** Replace slice sl->id (all its slivers) in one transaction. @return 0; -1 (DBERROR). */
int mgr_store_put(struct mgr_store *st, const struct mgr_slice *sl, struct mgr_err *e);

/** Remove slice 'id' in one transaction. @return 0; -1 (DBERROR). */
int mgr_store_del(struct mgr_store *st, const char *id, struct mgr_err *e);


/** A sliver as JSON (name, kind, state, resources, params, vports with endpoints): new ref. */
struct json_object *mgr_sliver_to_json(const struct mgr_sliver *s);

/** The inverse of mgr_sliver_to_json(). @return 0; -1 if 'j' is malformed. */
int mgr_sliver_from_json(struct json_object *j, struct mgr_sliver *s);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Trailer keys, control thread side (docs/trailer.md "Authentication tag"): which
 * terminals have a key, and whether their trailers must carry a tag. The key itself
 * lives only in per-worker HMAC contexts (trl_auth.h), set before the tables naming
 * its slot are published and freed after the tables that did are retired; the
 * tables carry the terminals sorted by ID for the workers' binary search.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gwc_model.h"
#include "trl_auth.h"

static int
term_find(const struct gwc *g, uint32_t terminal)
{
	int i;

	for (i = 0; i < GWC_MAX_TRL_KEYS; i++)
		if (g->term[i].used && g->term[i].terminal == terminal)
			return i;
	return -ENOENT;
}

/* Free slot 'slot''s per-worker contexts (no published table names it any more). */
static void
term_free_keys(struct gwc *g, int slot)
{
	unsigned int w;

	for (w = 0; w < g->dp.n_workers; w++) {
		trl_key_free(g->lc[w]->trl_key[slot]);
		g->lc[w]->trl_key[slot] = NULL;
	}
}

int
gwc_trl_key_set(struct gwc *g, const char *owner, uint32_t terminal, const uint8_t *key,
		size_t len, bool required, struct gwc_err *e)
{
	int old = term_find(g, terminal), slot = -1, i, rc;
	unsigned int w;

	if (terminal == 0 || len < TRL_KEY_MIN || len > TRL_KEY_MAX) {
		gwc_errf(e, "trailer key of terminal %u: terminal IDs start at 1, keys are %d to "
			    "%d bytes (got %zu)", terminal, TRL_KEY_MIN, TRL_KEY_MAX, len);
		return -EINVAL;
	}
	if (old >= 0 && strcmp(g->term[old].owner, owner) != 0) {
		gwc_errf(e, "terminal %u's trailer key belongs to '%s'", terminal,
			 g->term[old].owner);
		return -EPERM;
	}
	/* A new slot even when replacing: workers switch with the tables, atomically. */
	for (i = 0; i < GWC_MAX_TRL_KEYS && slot < 0; i++)
		if (!g->term[i].used)
			slot = i;
	if (slot < 0) {
		gwc_errf(e, "trailer key of terminal %u: all %d key slots in use", terminal,
			 GWC_MAX_TRL_KEYS);
		return -ENOSPC;
	}
	for (w = 0; w < g->dp.n_workers; w++) {
		g->lc[w]->trl_key[slot] = trl_key_create(key, len);
		if (g->lc[w]->trl_key[slot] == NULL) {
			term_free_keys(g, slot);
			gwc_errf(e, "trailer key of terminal %u: out of memory", terminal);
			return -ENOMEM;
		}
	}
	g->term[slot] = (struct gwc_term_m){ .used = true, .required = required,
					     .terminal = terminal };
	snprintf(g->term[slot].owner, sizeof(g->term[slot].owner), "%s", owner);
	if (old >= 0)
		g->term[old].used = false;
	rc = gwc_tables_publish(g);
	if (rc != 0) {
		g->term[slot].used = false;
		if (old >= 0)
			g->term[old].used = true;
		term_free_keys(g, slot);
		gwc_errf(e, "trailer key of terminal %u: out of memory for tables", terminal);
		return rc;
	}
	if (old >= 0)
		term_free_keys(g, old);   /* the tables naming it are retired */
	GWC_LOG(INFO, "trailer key of terminal %u %s by %s%s", terminal,
		old >= 0 ? "replaced" : "set", owner, required ? " (tag required)" : "");
	return 0;
}

int
gwc_trl_key_del(struct gwc *g, const char *owner, uint32_t terminal, struct gwc_err *e)
{
	int slot = term_find(g, terminal), rc;

	if (slot < 0) {
		gwc_errf(e, "terminal %u has no trailer key", terminal);
		return -ENOENT;
	}
	if (strcmp(g->term[slot].owner, owner) != 0) {
		gwc_errf(e, "terminal %u's trailer key belongs to '%s'", terminal,
			 g->term[slot].owner);
		return -EPERM;
	}
	g->term[slot].used = false;
	rc = gwc_tables_publish(g);
	if (rc != 0) {
		g->term[slot].used = true;
		gwc_errf(e, "terminal %u: out of memory for tables", terminal);
		return rc;
	}
	term_free_keys(g, slot);
	GWC_LOG(INFO, "trailer key of terminal %u removed by %s", terminal, owner);
	return 0;
}

/* Terminals with a trailer key, sorted by terminal ID for a binary search. */
static int
trlkey_tables(struct gwc *g, struct gwc_tables *t)
{
	unsigned int i;

	for (i = 0; i < GWC_MAX_TRL_KEYS; i++) {
		unsigned int at;

		if (!g->term[i].used)
			continue;
		at = t->n_terms++;
		while (at > 0 && t->term[at - 1].terminal > g->term[i].terminal) {
			t->term[at] = t->term[at - 1];
			at--;
		}
		t->term[at] = (struct gwc_trl_term){ .terminal = g->term[i].terminal,
						     .slot = (uint16_t)i,
						     .required = g->term[i].required };
	}
	return 0;
}

GWC_TABLES_BUILDER(trailer_keys, trlkey_tables, NULL, NULL, NULL)

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VNode slice-spec XML -> struct mgr_slice, with libxml2 (tree API). The shape is seed
 * 001 Figure 4; docs/slice-spec.md is the reference. Syntax only: meaning (binds,
 * endpoints, resources) is checked when a plan is made (mgr_model.c).
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "mgr.h"
#include "mgr_xml.h"


static bool
is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

/* Attribute value as a malloc'd string (xmlFree), or NULL. */
static char *
attr(const xmlNode *n, const char *name)
{
	return (char *)xmlGetProp(n, (const xmlChar *)name);
}

/*
 * Walk the element children of 'parent': every one must be named in 'allowed'
 * (NULL-terminated); <extension> is skipped (seed 000: passed through unchecked).
 */
static int
check_children(const xmlNode *parent, const char *where, const char *const *allowed,
	       struct mgr_err *e)
{
	const xmlNode *n;

	for (n = parent->children; n != NULL; n = n->next) {
		const char *const *a;

		if (n->type != XML_ELEMENT_NODE || is(n, "extension"))
			continue;
		for (a = allowed; *a != NULL; a++)
			if (is(n, *a))
				break;
		if (*a == NULL)
			return mgr_fail(e, MGR_BADARGS, "spec line %d: unknown element <%s> in %s",
					n->line, (const char *)n->name, where);
	}
	return 0;
}

static int
copy_name(char *dst, const xmlNode *n, const char *attrname, const char *what, const char *where,
	  struct mgr_err *e)
{
	char *v = attr(n, attrname);
	int rc = 0;

	if (v == NULL)
		rc = mgr_fail(e, MGR_BADARGS, "spec line %d: <%s> in %s has no '%s' attribute",
			      n->line, (const char *)n->name, where, attrname);
	else if (!mgr_name_ok(v))
		rc = mgr_fail(e, MGR_BADARGS,
			      "spec line %d: %s name '%.80s' in %s: use 1-63 of A-Z a-z 0-9 _ . -",
			      n->line, what, v, where);
	else
		strcpy(dst, v);
	xmlFree(v);
	return rc;
}

/* <resources><resource key= value=/>...</resources> or <params><param .../></params>. */
static int
parse_kvs(const xmlNode *list, const char *item, struct mgr_kvs *kv, const char *where,
	  struct mgr_err *e)
{
	const xmlNode *n;
	char ctx[160], at[224];
	int rc;

	snprintf(ctx, sizeof(ctx), "<%s> of %s", (const char *)list->name, where);
	if (check_children(list, ctx, (const char *const[]){ item, NULL }, e) != 0)
		return -1;
	for (n = list->children; n != NULL; n = n->next) {
		char *k, *v;

		if (!is(n, item))
			continue;
		k = attr(n, "key");
		v = attr(n, "value");
		if (k == NULL || v == NULL || *k == '\0') {
			xmlFree(k);
			xmlFree(v);
			return mgr_fail(e, MGR_BADARGS,
					"spec line %d: <%s> in %s needs non-empty 'key' and a 'value'",
					n->line, item, ctx);
		}
		snprintf(at, sizeof(at), "spec line %d: %s in %s", n->line, item, ctx);
		rc = mgr_kvs_add(kv, k, v, at, e);
		xmlFree(k);
		xmlFree(v);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* <vports><vport name=..>[<params>..</params>]</vport>...</vports> */
static int
parse_vports(const xmlNode *list, struct mgr_sliver *s, const char *where, struct mgr_err *e)
{
	const xmlNode *n, *c;
	char ctx[160];

	if (check_children(list, where, (const char *const[]){ "vport", NULL }, e) != 0)
		return -1;
	for (n = list->children; n != NULL; n = n->next) {
		struct mgr_vport *vp;
		char nm[MGR_NAME_MAX], at[192];

		if (!is(n, "vport"))
			continue;
		if (copy_name(nm, n, "name", "vport", where, e) != 0)
			return -1;
		snprintf(at, sizeof(at), "spec line %d: %s", n->line, where);
		if ((vp = mgr_sliver_add_vport(s, nm, at, e)) == NULL)
			return -1;
		snprintf(ctx, sizeof(ctx), "vport '%s' of %s", vp->name, where);
		if (check_children(n, ctx, (const char *const[]){ "params", NULL }, e) != 0)
			return -1;
		for (c = n->children; c != NULL; c = c->next)
			if (is(c, "params") && parse_kvs(c, "param", &vp->params, ctx, e) != 0)
				return -1;
	}
	return 0;
}

static struct mgr_sliver *
new_sliver(struct mgr_slice *sl, const xmlNode *n, enum mgr_kind kind, struct mgr_err *e)
{
	char nm[MGR_NAME_MAX], where[32];

	if (copy_name(nm, n, "name", kind == MGR_LINK ? "linkSliver" : "nodeSliver",
		      "<sliverdef>", e) != 0)
		return NULL;
	snprintf(where, sizeof(where), "spec line %d", n->line);
	return mgr_slice_add_sliver(sl, nm, kind, where, e);
}

static int
parse_link(struct mgr_slice *sl, const xmlNode *n, struct mgr_err *e)
{
	struct mgr_sliver *s = new_sliver(sl, n, MGR_LINK, e);
	const xmlNode *c;
	char where[96];

	if (s == NULL)
		return -1;
	snprintf(where, sizeof(where), "linkSliver '%s'", s->name);
	if (check_children(n, where, (const char *const[]){ "vports", "resources", "params", NULL },
			   e) != 0)
		return -1;
	for (c = n->children; c != NULL; c = c->next) {
		if (is(c, "vports") && parse_vports(c, s, where, e) != 0)
			return -1;
		if (is(c, "resources") && parse_kvs(c, "resource", &s->resources, where, e) != 0)
			return -1;
		if (is(c, "params") && parse_kvs(c, "param", &s->params, where, e) != 0)
			return -1;
	}
	return 0;
}

static int
parse_node(struct mgr_slice *sl, const xmlNode *n, struct mgr_err *e)
{
	struct mgr_sliver *s = new_sliver(sl, n, MGR_NODE, e);
	const xmlNode *c, *d;
	char where[96], *v;
	bool have_instance = false;

	if (s == NULL)
		return -1;
	snprintf(where, sizeof(where), "nodeSliver '%s'", s->name);
	v = attr(n, "type");
	if (v != NULL)
		snprintf(s->type, sizeof(s->type), "%s", v);
	xmlFree(v);
	if (check_children(n, where, (const char *const[]){ "vports", "instance", NULL }, e) != 0)
		return -1;
	for (c = n->children; c != NULL; c = c->next) {
		if (is(c, "vports") && parse_vports(c, s, where, e) != 0)
			return -1;
		if (!is(c, "instance"))
			continue;
		if (have_instance)
			return mgr_fail(e, MGR_BADARGS, "spec line %d: %s has two <instance>s",
					c->line, where);
		have_instance = true;
		v = attr(c, "type");
		if (v == NULL || *v == '\0' || strlen(v) >= sizeof(s->instance)) {
			xmlFree(v);
			return mgr_fail(e, MGR_BADARGS,
					"spec line %d: <instance> of %s needs a 'type' (e.g. SlowPath_VM)",
					c->line, where);
		}
		strcpy(s->instance, v);
		xmlFree(v);
		if (check_children(c, where, (const char *const[]){ "resources", "params", NULL },
				   e) != 0)
			return -1;
		for (d = c->children; d != NULL; d = d->next) {
			if (is(d, "resources") &&
			    parse_kvs(d, "resource", &s->resources, where, e) != 0)
				return -1;
			if (is(d, "params") && parse_kvs(d, "param", &s->params, where, e) != 0)
				return -1;
		}
	}
	return 0;
}

/* One end of a bind: <vport slivername|slivename= portname=/>. */
static int
parse_bind_end(const xmlNode *n, struct mgr_bind *b, int i, struct mgr_err *e)
{
	char *s = attr(n, "slivername");
	int rc;

	if (s == NULL)
		s = attr(n, "slivename");   /* seed 001 Figure 4's spelling */
	if (s == NULL)
		return mgr_fail(e, MGR_BADARGS,
				"spec line %d: <vport> in <bind> needs 'slivername' (or 'slivename')",
				n->line);
	if (!mgr_name_ok(s)) {
		rc = mgr_fail(e, MGR_BADARGS, "spec line %d: bind names sliver '%.80s': not a name",
			      n->line, s);
		xmlFree(s);
		return rc;
	}
	strcpy(b->sliver[i], s);
	xmlFree(s);
	return copy_name(b->vport[i], n, "portname", "vport", "<bind>", e);
}

static int
parse_structure(struct mgr_slice *sl, const xmlNode *st, struct mgr_err *e)
{
	const xmlNode *n, *c;
	char at[32];

	if (check_children(st, "<structure>", (const char *const[]){ "bind", NULL }, e) != 0)
		return -1;
	for (n = st->children; n != NULL; n = n->next) {
		struct mgr_bind *b;
		int ends = 0;

		if (!is(n, "bind"))
			continue;
		snprintf(at, sizeof(at), "spec line %d", n->line);
		if ((b = mgr_slice_add_bind(sl, at, e)) == NULL)
			return -1;
		if (check_children(n, "<bind>", (const char *const[]){ "vport", NULL }, e) != 0)
			return -1;
		for (c = n->children; c != NULL; c = c->next) {
			if (!is(c, "vport"))
				continue;
			if (ends == 2)
				return mgr_fail(e, MGR_BADARGS,
						"spec line %d: a <bind> joins exactly two vports",
						c->line);
			if (parse_bind_end(c, b, ends, e) != 0)
				return -1;
			ends++;
		}
		if (ends != 2)
			return mgr_fail(e, MGR_BADARGS,
					"spec line %d: a <bind> joins exactly two vports (%d given)",
					n->line, ends);
	}
	return 0;
}

static int
parse_slicespec(struct mgr_slice *sl, const xmlNode *spec, struct mgr_err *e)
{
	const xmlNode *n, *c, *d;
	char *cls = attr(spec, "class");

	if (cls != NULL)
		snprintf(sl->spec_class, sizeof(sl->spec_class), "%s", cls);
	xmlFree(cls);
	if (check_children(spec, "<slicespec>",
			   (const char *const[]){ "sliverdef", "structure", NULL }, e) != 0)
		return -1;
	for (n = spec->children; n != NULL; n = n->next) {
		if (is(n, "structure") && parse_structure(sl, n, e) != 0)
			return -1;
		if (!is(n, "sliverdef"))
			continue;
		if (check_children(n, "<sliverdef>",
				   (const char *const[]){ "linkSlivers", "nodeSlivers", NULL }, e) != 0)
			return -1;
		for (c = n->children; c != NULL; c = c->next) {
			if (is(c, "linkSlivers")) {
				if (check_children(c, "<linkSlivers>",
						   (const char *const[]){ "linkSliver", NULL }, e) != 0)
					return -1;
				for (d = c->children; d != NULL; d = d->next)
					if (is(d, "linkSliver") && parse_link(sl, d, e) != 0)
						return -1;
			} else if (is(c, "nodeSlivers")) {
				if (check_children(c, "<nodeSlivers>",
						   (const char *const[]){ "nodeSliver", NULL }, e) != 0)
					return -1;
				for (d = c->children; d != NULL; d = d->next)
					if (is(d, "nodeSliver") && parse_node(sl, d, e) != 0)
						return -1;
			}
		}
	}
	return 0;
}

int
mgr_spec_parse(const char *xml, size_t len, struct mgr_slice *out, struct mgr_err *e)
{
	xmlParserCtxtPtr ctxt;
	const xmlNode *root, *n;
	xmlDoc *doc;
	int rc = 0, specs = 0;

	memset(out, 0, sizeof(*out));
	/* no DOCTYPE (so no entity), bounded nesting, before any tree is built */
	if (mgr_xml_check(xml, len, "spec", &mgr_xml_spec_limits, e) != 0)
		return -1;
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	/* No network, no DTD loading, no entity substitution: a spec is data. Errors are
	 * not printed; the first one becomes the fault's message. */
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, "spec.xml", NULL,
				XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
					XML_PARSE_NOWARNING);
	if (doc == NULL || !ctxt->wellFormed) {
		const xmlError *xe = xmlCtxtGetLastError(ctxt);
		size_t ml;

		rc = mgr_fail(e, MGR_BADARGS, "spec is not well-formed XML: line %d: %s",
			      xe != NULL ? xe->line : 0,
			      xe != NULL && xe->message != NULL ? xe->message : "parse error");
		ml = e != NULL ? strlen(e->msg) : 0;
		if (ml > 0 && e->msg[ml - 1] == '\n')
			e->msg[ml - 1] = '\0';
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctxt);
		return rc;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !(is(root, "slice-design") || is(root, "slicespec") ||
			      is(root, "sllicespec"))) {
		rc = mgr_fail(e, MGR_BADARGS, "spec: the root element must be <slice-design>%s%s%s",
			      root != NULL ? " (found <" : "",
			      root != NULL ? (const char *)root->name : "", root != NULL ? ">)" : "");
		goto out;
	}
	if (!is(root, "slice-design")) {
		rc = parse_slicespec(out, root, e);
		specs = 1;
		goto out;
	}
	rc = check_children(root, "<slice-design>",
			    (const char *const[]){ "slicespec", "sllicespec", NULL }, e);
	for (n = root->children; rc == 0 && n != NULL; n = n->next) {
		if (!is(n, "slicespec") && !is(n, "sllicespec"))
			continue;
		if (++specs > 1) {
			rc = mgr_fail(e, MGR_BADARGS,
				      "spec line %d: one <slicespec> per <slice-design>", n->line);
			break;
		}
		rc = parse_slicespec(out, n, e);
	}
	if (rc == 0 && specs == 0)
		rc = mgr_fail(e, MGR_BADARGS, "spec: <slice-design> holds no <slicespec>");
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	if (rc != 0)
		mgr_slice_clear(out);
	return rc;
}

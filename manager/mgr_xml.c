/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mgr_xml.h's gate: libxml2's xmlReader walks the document once, without DTD loading,
 * entity substitution or network access; we look at each node's type, depth and size.
 */
#define _GNU_SOURCE   /* memmem */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "mgr_xml.h"

const struct mgr_xml_limits mgr_xml_spec_limits = {
	.max_depth = 32, .max_text_bytes = 1u << 20, .max_children = 65536,
};

/* libxml2's errors go nowhere: the first one becomes the fault's message. */
static void
keep_first(void *arg, const char *msg, xmlParserSeverities sev, xmlTextReaderLocatorPtr loc)
{
	struct mgr_err *e = arg;

	if (sev != XML_PARSER_SEVERITY_ERROR && sev != XML_PARSER_SEVERITY_VALIDITY_ERROR)
		return;
	if (e != NULL && e->code == 0) {
		size_t ml;

		mgr_fail(e, MGR_BADARGS, "line %d: %s", xmlTextReaderLocatorLineNumber(loc),
			 msg != NULL ? msg : "parse error");
		ml = strlen(e->msg);
		while (ml > 0 && (e->msg[ml - 1] == '\n' || e->msg[ml - 1] == ' '))
			e->msg[--ml] = '\0';
	}
}

static size_t
text_len(xmlTextReaderPtr r)
{
	const xmlChar *v = xmlTextReaderConstValue(r);

	return v != NULL ? strlen((const char *)v) : 0;
}

/* An <i8>'s text as xmlrpc-c must see it: blanks, a sign, 1-19 digits within 64 bits.
 * (xmlrpc-c 1.33 dereferences a NULL string when it reports a bad <i8>: such a body
 * would kill the manager, so it never gets there.) */
static bool
i8_ok(const char *t)
{
	char *end;
	long long v;

	while (isspace((unsigned char)*t))
		t++;
	if (*t == '\0')
		return true;   /* xmlrpc-c refuses an empty one cleanly */
	if (!isdigit((unsigned char)(*t == '-' || *t == '+' ? t[1] : t[0])))
		return false;
	errno = 0;
	v = strtoll(t, &end, 10);
	(void)v;
	while (isspace((unsigned char)*end))
		end++;
	return errno == 0 && *end == '\0';
}

/* "i8", or "PREFIX:i8" (xmlrpc-c takes Apache's "ex:i8" too, namespace declared or not) */
static bool
is_i8(const char *name)
{
	const char *c = name != NULL ? strrchr(name, ':') : NULL;

	return name != NULL && strcmp(c != NULL ? c + 1 : name, "i8") == 0;
}

/* The line of the first "<!DOCTYPE" (the reader has read past it), else 'dflt'. */
static int
doctype_line(const char *xml, size_t len, int dflt)
{
	const char *d = memmem(xml, len, "<!DOCTYPE", 9), *p;
	int line = 1;

	if (d == NULL)
		return dflt;
	for (p = xml; p < d; p++)
		line += *p == '\n';
	return line;
}

int
mgr_xml_check(const char *xml, size_t len, const char *what,
	      const struct mgr_xml_limits *lim, struct mgr_err *e)
{
	struct mgr_err pe = { 0 };
	unsigned int *kids, depth, i8_depth = 0;
	char i8[64];
	size_t i8_len = 0;
	bool in_i8 = false;
	xmlTextReaderPtr r;
	int rc = 0, ret, line;

	if (len > INT_MAX)
		return mgr_fail(e, MGR_TOOBIG, "%s: over %d bytes", what, INT_MAX);
	/* children counted per open element: one counter per level the limit allows */
	kids = calloc((size_t)lim->max_depth + 2, sizeof(*kids));
	if (kids == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	r = xmlReaderForMemory(xml, (int)len, NULL, NULL, XML_PARSE_NONET);
	if (r == NULL) {
		free(kids);
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	}
	xmlTextReaderSetErrorHandler(r, keep_first, &pe);
	while ((ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);

		line = xmlTextReaderGetParserLineNumber(r);
		depth = (unsigned int)xmlTextReaderDepth(r);
		if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY ||
		    type == XML_READER_TYPE_ENTITY_REFERENCE) {
			line = doctype_line(xml, len, line);
			rc = mgr_fail(e, MGR_BADARGS, "%s line %d: a DOCTYPE or entity is not "
				      "accepted (no DTD, no entity declarations)", what, line);
			break;
		}
		if (type == XML_READER_TYPE_ELEMENT) {
			if (depth >= lim->max_depth) {
				rc = mgr_fail(e, MGR_BADARGS, "%s line %d: elements nested deeper "
					      "than %u", what, line, lim->max_depth);
				break;
			}
			if (++kids[depth] > lim->max_children) {
				rc = mgr_fail(e, MGR_BADARGS, "%s line %d: more than %u elements "
					      "in one element", what, line, lim->max_children);
				break;
			}
			kids[depth + 1] = 0;
			if (in_i8) {
				rc = mgr_fail(e, MGR_BADARGS, "%s line %d: an element inside an "
					      "<i8>", what, line);
				break;
			}
			if (lim->xmlrpc && !xmlTextReaderIsEmptyElement(r) &&
			    is_i8((const char *)xmlTextReaderConstName(r))) {
				in_i8 = true;
				i8_depth = depth;
				i8_len = 0;
			}
			while (xmlTextReaderMoveToNextAttribute(r) == 1)
				if (text_len(r) > lim->max_text_bytes)
					goto too_long;
			xmlTextReaderMoveToElement(r);
		} else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
			    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) &&
			   text_len(r) > lim->max_text_bytes) {
			goto too_long;
		} else if (in_i8 && (type == XML_READER_TYPE_TEXT ||
				     type == XML_READER_TYPE_CDATA ||
				     type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
				     type == XML_READER_TYPE_WHITESPACE)) {
			size_t n = text_len(r);

			if (i8_len + n >= sizeof(i8))
				goto bad_i8;
			memcpy(i8 + i8_len, xmlTextReaderConstValue(r), n);
			i8_len += n;
		} else if (in_i8 && type == XML_READER_TYPE_END_ELEMENT && depth == i8_depth) {
			in_i8 = false;
			i8[i8_len] = '\0';
			if (!i8_ok(i8))
				goto bad_i8;
		}
		continue;
bad_i8:
		rc = mgr_fail(e, MGR_BADARGS, "%s line %d: an <i8> that is not a 64-bit integer",
			      what, line);
		break;
too_long:
		rc = mgr_fail(e, MGR_BADARGS, "%s line %d: a string of more than %zu bytes", what,
			      line, lim->max_text_bytes);
		break;
	}
	if (rc == 0 && ret != 0) {
		rc = mgr_fail(e, MGR_BADARGS, "%s is not well-formed XML: %s", what,
			      pe.code != 0 ? pe.msg : "parse error");
	}
	xmlFreeTextReader(r);
	free(kids);
	return rc;
}

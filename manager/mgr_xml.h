/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The gate every XML document passes before a parser builds anything from it (an
 * XML-RPC body before xmlrpc-c, a slice spec before mgr_spec.c): one streaming pass of
 * libxml2's xmlReader that refuses a DOCTYPE (so no entity is ever declared, let alone
 * expanded: no "billion laughs", no external entity), and bounds element nesting, the
 * bytes of one text or attribute value and the child elements of one element. It
 * builds no tree, so the cost is linear in the bytes and the memory bounded by the
 * nesting limit. docs/manager-api.md ("Limits") documents what the client sees.
 *
 * Thread context: any thread; no state of its own.
 */
#ifndef AGW_MGR_XML_H
#define AGW_MGR_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "mgr.h"

/** Limits of one document. */
struct mgr_xml_limits {
	unsigned int max_depth;     /**< elements nested deeper than this are refused (>= 1) */
	size_t max_text_bytes;      /**< one text node or attribute value, in bytes */
	unsigned int max_children;  /**< child elements of one element */
	bool xmlrpc;                /**< an XML-RPC body: each <i8> must hold a 64-bit
				     *   integer (xmlrpc-c 1.33 crashes on a bad one) */
};

/** What a slice spec may hold (also inside an XML-RPC string, so checked again). */
extern const struct mgr_xml_limits mgr_xml_spec_limits;

/**
 * Check that the 'len' bytes at 'xml' are well-formed XML within 'lim' with no DOCTYPE.
 * @param what  names the document in the message ("request", "spec")
 * @return 0; -1 with 'e' BADARGS naming the line and the limit ("request line 3: a
 *   DOCTYPE is not accepted (no DTD, no entity declarations)"; with lim->xmlrpc "an
 *   <i8> that is not a 64-bit integer"), or TOOBIG for a document over INT_MAX bytes.
 */
int mgr_xml_check(const char *xml, size_t len, const char *what,
		  const struct mgr_xml_limits *lim, struct mgr_err *e);

#endif /* AGW_MGR_XML_H */

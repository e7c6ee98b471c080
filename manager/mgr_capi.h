/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Common API 2.0 (seed 000, section 4: "共通APIコマンド形式" and the BNF of the
 * common slice definition), over json-c values a front end decoded from XML-RPC.
 * docs/common-api.md is the user-facing description: member names, which are
 * request-only and reply-only, and every decision taken where the seed is silent.
 *
 * What this AGW makes of a command's slice structure:
 *   - as a **destination domain** ([manager] domain_name): the domain definition whose
 *     dst_infra_name names it. Its virtual nodes become node slivers (node_type is the
 *     instance type: Terminal, SlowPath_VM), its virtual links link slivers, its binds
 *     binds; each of its domain interfaces becomes a network-side node sliver (type
 *     "_super") whose bound link vport is configured from the interface's information
 *     for link negotiation (virtual_link_type, vlan_id, gre_key; the far end's
 *     ip_address and mac_address from the inter-domain virtual link's interface);
 *   - as the **SEP's gateway** ([peer DOMAIN] sections): each inter-domain virtual link
 *     whose every interface is bound to a domain it has a [peer] section for becomes a
 *     link sliver bridging them, one vport per interface on that peer's port. A VLAN ID
 *     or GRE key the domain interface leaves open is chosen by the manager (its ranges)
 *     and returned in that interface's information for link negotiation (seed 000
 *     section 5: the SEP completes what the requesting domain cannot decide).
 * Everything else (other domains' structures, encrypted ones, extensions) is kept in the
 * slice's federation record and passed back untouched.
 *
 * Values: XML-RPC types JSON has no type for are carried as one-member objects
 * {"$xmlrpc.TYPE": TEXT} (TYPE base64, dateTime.iso8601, i8, nil), so that they come
 * back as they came.
 *
 * Thread context: none of these lock; mgr_capi_call() takes the manager's locks through
 * mgr_ops.h.
 */
#ifndef AGW_MGR_CAPI_H
#define AGW_MGR_CAPI_H

#include <stdbool.h>

#include <json-c/json.h>

#include "mgr.h"

#define MGR_CAPI_VERSION "2.0"        /**< command_version this AGW speaks */
#define MGR_CAPI_TAG "$xmlrpc."       /**< prefix of a typed value's only member */

/** How this gateway reaches one federated domain ([peer DOMAIN] of agw.conf). */
struct mgr_capi_peer {
	char domain[MGR_NAME_MAX];     /**< the domain's name (dst_infra_name) */
	char port[MGR_NAME_MAX];       /**< the gw-core port toward it */
	enum mgr_ep_type type;         /**< MGR_EP_VLAN or MGR_EP_GRE: the default
					    virtual_link_type toward it */
	char remote[16];               /**< GRE: the domain's tunnel address, when its
					    interface gives no ip_address; "": none */
	char remote_mac[18];           /**< GRE: its next-hop MAC, ""; ARP */
	char local_ip[16];             /**< this gateway's tunnel address toward it, returned
					    in the inter-domain link's interface; "": none */
	char local_mac[18];            /**< this gateway's MAC toward it, returned the same
					    way; "": none */
};

/** The Common API part of the manager's configuration. */
struct mgr_capi_conf {
	char domain[MGR_NAME_MAX];     /**< [manager] domain_name: the domain this AGW is a
					    member of; "": none (a gateway only) */
	struct mgr_capi_peer *peers;   /**< malloc'd; [peer DOMAIN] sections */
	unsigned int n_peers;
};

/** The Common API's commands (seed 000, "共通APIコマンド一覧"). */
enum mgr_capi_method {
	MGR_CAPI_CREATE_SLICE, MGR_CAPI_ADD, MGR_CAPI_DELETE, MGR_CAPI_RUN, MGR_CAPI_STOP,
	MGR_CAPI_DELETE_SLICE, MGR_CAPI_RESOURCE_INFO, MGR_CAPI_STATUS, MGR_CAPI_STATISTICS,
};

/** @return the method named 'name' ("CreateSlice"), or -1. */
int mgr_capi_method(const char *name);

/** A decoded command. Pointers are into the command object, borrowed. */
struct mgr_capi_cmd {
	enum mgr_capi_method method;
	const char *src_infra_name;       /**< the requesting (source) domain */
	const char *src_slice_id;         /**< the slice (this AGW's slice id); NULL for
					       ResourceInfo */
	struct json_object *developer;    /**< the developer struct, or NULL */
	struct json_object *structure;    /**< slice_structure, or NULL when absent */
};

/**
 * Check command 'cmd' (the one struct argument) of method 'm': command_version "2.0",
 * src_infra_name, src_slice_id (a slice id, mgr_slice_id_check()), developer with
 * developer_name (CreateSlice), slice_structure (required by CreateSlice and Add; for
 * the others it narrows the command to the nodes and links it lists).
 * @return 0 with 'out' filled; -1 with 'e': BADARGS naming the member, UNSUPPORTED for
 *   another command_version.
 */
int mgr_capi_decode(enum mgr_capi_method m, struct json_object *cmd, struct mgr_capi_cmd *out,
		    struct mgr_err *e);

/**
 * What of slice structure 's' this AGW realizes, as slivers and binds in 'out' (the
 * shape mgr_spec_parse() gives; mgr_slice_clear() it). VLAN IDs and GRE keys left open
 * are left for planning to allocate.
 * @return 0; -1 with 'e' (BADARGS naming the element; UNSUPPORTED for an encrypted
 *   domain structure addressed to this AGW, or for a second inter-domain link through
 *   this gateway in one command; SEARCHFAILED when nothing in 's' is for this AGW) and
 *   'out' empty.
 */
int mgr_capi_slice(const struct mgr_capi_conf *c, struct json_object *s, struct mgr_slice *out,
		   struct mgr_err *e);

/** The inter-domain links this gateway carries in slice 'sl' (NULL: 0): link slivers
 *  whose every vport is bound to a "DOMAIN.INTERFACE" node of a [peer] domain. */
unsigned int mgr_capi_gateway_links(const struct mgr_capi_conf *c, const struct mgr_slice *sl);

/**
 * The names of the slivers structure 's' lists for this AGW (Delete, Run, Stop,
 * Statistics), looked up in slice 'sl': its own domain's virtual nodes and links, the
 * inter-domain links this gateway carries, and the domain-interface nodes bound to a
 * listed link. 'names' has room for MGR_MAX_NAMES (mgr_ops.h) pointers into 'sl'.
 * @return the count (0: 's' lists nothing of this AGW's); -1 with 'e' (SEARCHFAILED:
 *   a listed node or link this AGW holds no sliver for; BADARGS: too many).
 */
int mgr_capi_names(const struct mgr_capi_conf *c, struct json_object *s,
		   const struct mgr_slice *sl, const char **names, unsigned int max,
		   struct mgr_err *e);

/**
 * The federation record of a slice: the command's members (command_version,
 * src_infra_name, src_slice_id, developer, slice_structure) as JSON text, malloc'd.
 * For Add ('old' the slice's current record) the new structure's nodes, links, binds,
 * domain interfaces, domains and inter-domain links are appended to it; for Delete
 * ('old' too) the nodes and links it lists leave it, with the binds naming them.
 * @return the text, or NULL (out of memory, or 'old' malformed) with 'e'.
 */
char *mgr_capi_record(enum mgr_capi_method m, const struct mgr_capi_cmd *cmd, const char *old,
		      struct mgr_err *e);

/**
 * The reply to a command on slice 'sl' (after it): the record's members with
 * return_code 0, and its slice structure with the statuses this AGW knows filled in
 * (domain_status, node_status, link_status, interface_status, virtual_link_status, in
 * the VNode form's words "created" / "executed"), the VLAN IDs and GRE keys chosen for
 * open link negotiation, and with 'stats' (mgr_report_statistics()'s object, NULL: none)
 * each interface's statistical_data.
 * @return a new object; NULL out of memory.
 */
struct json_object *mgr_capi_reply(const struct mgr_capi_conf *c, const struct mgr_slice *sl,
				   struct json_object *stats);

/**
 * ResourceInfo's resource_information (seed 000: physical information, no slice
 * structure) from the manager's resource report 'report' (mgr_report_resources()): per
 * gw-core port its capacity, reserved and free bandwidth (bits/s; free 0 when the
 * capacity is unlimited), free VIDs as ranges ("100-109", "111-4094") and GRE
 * endpoints; the VID and GRE key ranges; the [peer] domains this gateway reaches (port,
 * virtual_link_type, its own ip_address / mac_address); gw-core's connection.
 * @return a new object.
 */
struct json_object *mgr_capi_resources(const struct mgr_capi_conf *c, struct json_object *report);

#endif /* AGW_MGR_CAPI_H */

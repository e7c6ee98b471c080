/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Common API 2.0 (mgr_capi.c) against fixtures written from seed 000's text
 * (tests/unit/manager/capi/: its CreateSlice sample and example slice; the e2e
 * federation's command): decoding with every malformed case and its fault, a slice
 * structure turned into this AGW's slivers as a destination domain and as the SEP's
 * gateway, link negotiation (values left open chosen by planning and returned, fixed
 * ones honoured or refused), the federation record (Add and Delete merged, typed values
 * kept), and the reply's statuses and counters.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "mgr.h"
#include "mgr_capi.h"
#include "mgr_plan.h"
#include "mgr_store.h"
#include "nsl.h"

#include <sqlite3.h>
#include <unistd.h>

#ifndef AGW_SRCDIR
#define AGW_SRCDIR "."
#endif
#define FIX AGW_SRCDIR "/tests/unit/manager/capi/"

static const struct nsl_conf nslc = {
	.cores = 8, .memory_mib = 8192, .disk_mib = 20480, .boot_image_server = "img.example",
};

static struct mgr_plan_conf pconf = {
	.nsl = &nslc,
	.uplink_port = "core", .access_port = "access",
	.vid_min = 100, .vid_max = 103,
	.key_min = 5000, .key_max = 5002,
	.port_capacity_bps = 10000000000ull,
};

static struct mgr_capi_peer peers[] = {
	{ .domain = "domA", .port = "domain-a", .type = MGR_EP_VLAN },
	{ .domain = "domB", .port = "domain-b", .type = MGR_EP_GRE, .remote = "198.51.100.9",
	  .local_ip = "198.51.100.2" },
};
static const struct mgr_capi_conf member_a = { .domain = "domA" };
static const struct mgr_capi_conf member_b = { .domain = "domB" };
static const struct mgr_capi_conf gateway = { .domain = "", .peers = peers, .n_peers = 2 };

static struct json_object *
fixture(const char *name)
{
	char path[512];
	struct json_object *j;

	snprintf(path, sizeof(path), FIX "%s", name);
	j = json_object_from_file(path);
	if (j == NULL)
		fprintf(stderr, "fixture %s: %s\n", path, json_util_get_last_err());
	return j;
}

/* The object at a path of member names and array indexes ("slice_structure", "domains",
 * "0", ...; NULL-terminated). */
static struct json_object *
at(struct json_object *o, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, o);
	while (o != NULL && (k = va_arg(ap, const char *)) != NULL) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(k));
		else if (!json_object_object_get_ex(o, k, &o))
			o = NULL;
	}
	va_end(ap);
	return o;
}

static const char *
vparam(const struct mgr_slice *sl, const char *link, const char *vport, const char *key)
{
	const struct mgr_sliver *s = mgr_slice_sliver(sl, link);
	const struct mgr_vport *v = s != NULL ? mgr_sliver_vport(s, vport) : NULL;

	return v != NULL ? mgr_kv_get(&v->params, key) : NULL;
}

static void
expect(const char *what, int rc, const struct mgr_err *e, int code, const char *text)
{
	bool ok = rc == -1 && e->code == code && strstr(e->msg, text) != NULL;

	if (!ok)
		fprintf(stderr, "\n%s: rc %d, %s: %s (wanted %s with '%s')\n", what, rc,
			mgr_fault_name(e->code), e->msg, mgr_fault_name(code), text);
	CU_ASSERT(ok);
}

/* ---------------------------------------------------------------- decoding */

static void
test_decode(void)
{
	struct json_object *j = fixture("seed000-example.json"), *c;
	struct mgr_capi_cmd cmd;
	struct mgr_err e = { 0 };
	static const struct {
		const char *what, *json;
		enum mgr_capi_method m;
		int code;
		const char *text;
	} bad[] = {
		{ "not a struct", "[1]", MGR_CAPI_RUN, MGR_BADARGS, "one struct" },
		{ "a typed value", "{\"$xmlrpc.base64\": \"AA==\"}", MGR_CAPI_RUN, MGR_BADARGS,
		  "one struct" },
		{ "no version", "{\"src_infra_name\": \"a\", \"src_slice_id\": \"s\"}", MGR_CAPI_RUN,
		  MGR_BADARGS, "command_version" },
		{ "version 1.0", "{\"command_version\": \"1.0\"}", MGR_CAPI_RUN, MGR_UNSUPPORTED,
		  "2.0 only" },
		{ "version as a number", "{\"command_version\": 2.0}", MGR_CAPI_RUN, MGR_BADARGS,
		  "command_version" },
		{ "no src_infra_name", "{\"command_version\": \"2.0\", \"src_slice_id\": \"s\"}",
		  MGR_CAPI_RUN, MGR_BADARGS, "src_infra_name" },
		{ "empty src_infra_name", "{\"command_version\": \"2.0\", \"src_infra_name\": \"\"}",
		  MGR_CAPI_RESOURCE_INFO, MGR_BADARGS, "src_infra_name" },
		{ "no src_slice_id", "{\"command_version\": \"2.0\", \"src_infra_name\": \"a\"}",
		  MGR_CAPI_STATUS, MGR_BADARGS, "src_slice_id" },
		{ "a bad slice id", "{\"command_version\": \"2.0\", \"src_infra_name\": \"a\", "
		  "\"src_slice_id\": \"../x\"}", MGR_CAPI_STATUS, MGR_BADARGS, "slice id" },
		{ "no developer", "{\"command_version\": \"2.0\", \"src_infra_name\": \"a\", "
		  "\"src_slice_id\": \"s\", \"slice_structure\": {}}", MGR_CAPI_CREATE_SLICE,
		  MGR_BADARGS, "developer_name" },
		{ "developer a string", "{\"command_version\": \"2.0\", \"src_infra_name\": \"a\", "
		  "\"src_slice_id\": \"s\", \"developer\": \"x\"}", MGR_CAPI_RUN, MGR_BADARGS,
		  "'developer' must be a struct" },
		{ "no structure", "{\"command_version\": \"2.0\", \"src_infra_name\": \"a\", "
		  "\"src_slice_id\": \"s\", \"developer\": {\"developer_name\": \"d\"}}",
		  MGR_CAPI_ADD, MGR_BADARGS, "slice_structure" },
		{ "structure an array", "{\"command_version\": \"2.0\", \"src_infra_name\": \"a\", "
		  "\"src_slice_id\": \"s\", \"slice_structure\": []}", MGR_CAPI_RUN, MGR_BADARGS,
		  "must be a struct" },
	};
	unsigned int i;

	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT_EQUAL(mgr_capi_decode(MGR_CAPI_CREATE_SLICE, j, &cmd, &e), 0);
	CU_ASSERT_STRING_EQUAL(cmd.src_infra_name, "ProtoGENI");
	CU_ASSERT_STRING_EQUAL(cmd.src_slice_id, "federation-h1");
	CU_ASSERT_PTR_NOT_NULL(cmd.structure);
	CU_ASSERT_EQUAL(mgr_capi_method("CreateSlice"), MGR_CAPI_CREATE_SLICE);
	CU_ASSERT_EQUAL(mgr_capi_method("Statistics"), MGR_CAPI_STATISTICS);
	CU_ASSERT_EQUAL(mgr_capi_method("CreateSlivers"), -1);
	/* Run, Status, DeleteSlice need no structure; ResourceInfo no slice */
	c = json_tokener_parse("{\"command_version\": \"2.0\", \"src_infra_name\": \"a\", "
			       "\"src_slice_id\": \"s\"}");
	CU_ASSERT_EQUAL(mgr_capi_decode(MGR_CAPI_RUN, c, &cmd, &e), 0);
	CU_ASSERT_PTR_NULL(cmd.structure);
	json_object_put(c);
	c = json_tokener_parse("{\"command_version\": \"2.0\", \"src_infra_name\": \"a\"}");
	CU_ASSERT_EQUAL(mgr_capi_decode(MGR_CAPI_RESOURCE_INFO, c, &cmd, &e), 0);
	json_object_put(c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = json_tokener_parse(bad[i].json);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		memset(&e, 0, sizeof(e));
		expect(bad[i].what, mgr_capi_decode(bad[i].m, c, &cmd, &e), &e, bad[i].code,
		       bad[i].text);
		json_object_put(c);
	}
	json_object_put(j);
}

/* ---------------------------------------------------------------- structures */

static void
test_seed_example(void)
{
	struct json_object *j = fixture("seed000-example.json");
	struct mgr_capi_conf hakusan = { .domain = "VNode-hakusan" };
	struct mgr_slice sl;
	struct mgr_err e = { 0 };
	const struct mgr_sliver *s;

	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT_EQUAL_FATAL(mgr_capi_slice(&hakusan, at(j, "slice_structure", NULL), &sl,
					     &e), 0);
	/* SP011, ln21, ln22 and the domain interfaces vip1, vip2 */
	CU_ASSERT_EQUAL(sl.n_slivers, 5);
	CU_ASSERT_EQUAL(sl.n_binds, 4);
	s = mgr_slice_sliver(&sl, "SP011");
	CU_ASSERT(s != NULL && s->kind == MGR_NODE && strcmp(s->instance, "SlowPath_VM") == 0 &&
		  s->n_vports == 2 && strcmp(mgr_kv_get(&s->resources, "memory"), "2048") == 0);
	s = mgr_slice_sliver(&sl, "vip2");
	CU_ASSERT(s != NULL && strcmp(s->type, "_super") == 0);
	s = mgr_slice_sliver(&sl, "ln22");
	CU_ASSERT(s != NULL && s->kind == MGR_LINK &&
		  strcmp(mgr_kv_get(&s->resources, "protocol"), "802.3,802.1Q") == 0);
	CU_ASSERT_STRING_EQUAL(vparam(&sl, "ln22", "e2", "type"), "vlan");
	CU_ASSERT_PTR_NULL(vparam(&sl, "ln22", "e2", "vid"));   /* left open */
	mgr_slice_clear(&sl);
	/* as a gateway for all three domains: three inter-domain links in one slice, which
	 * gw-core would bridge as one domain: refused, naming the second */
	{
		struct mgr_capi_peer three[] = {
			{ .domain = "ProtoGENI", .port = "p1", .type = MGR_EP_VLAN },
			{ .domain = "VNode-hakusan", .port = "p2", .type = MGR_EP_VLAN },
			{ .domain = "VNode-jgn", .port = "p3", .type = MGR_EP_VLAN },
		};
		struct mgr_capi_conf gw3 = { .peers = three, .n_peers = 3 };

		expect("three links through one gateway",
		       mgr_capi_slice(&gw3, at(j, "slice_structure", NULL), &sl, &e), &e,
		       MGR_UNSUPPORTED, "'LS02': this gateway carries one inter-domain virtual link");
		gw3.n_peers = 2;   /* ProtoGENI and hakusan: LS01 alone */
		CU_ASSERT_EQUAL_FATAL(mgr_capi_slice(&gw3, at(j, "slice_structure", NULL),
						     &sl, &e), 0);
		CU_ASSERT(mgr_slice_sliver(&sl, "LS01") != NULL && sl.n_slivers == 3);
		CU_ASSERT_EQUAL(mgr_capi_gateway_links(&gw3, &sl), 1);
		CU_ASSERT_EQUAL(mgr_capi_gateway_links(&hakusan, &sl), 0);
		mgr_slice_clear(&sl);
	}
	/* a domain it is not: nothing for it */
	hakusan.domain[0] = 'X';
	expect("another domain", mgr_capi_slice(&hakusan, at(j, "slice_structure", NULL),
						&sl, &e), &e, MGR_SEARCHFAILED, "nothing for this AGW");
	CU_ASSERT_EQUAL(sl.n_slivers, 0);
	json_object_put(j);
}

static void
test_member_and_gateway(void)
{
	struct json_object *j = fixture("federation.json"), *st, *x;
	struct mgr_slice sl;
	struct mgr_err e = { 0 };
	const struct mgr_sliver *s;

	CU_ASSERT_FATAL(j != NULL);
	st = at(j, "slice_structure", NULL);
	/* domA: terminal, its link, the domain interface gwA on the uplink */
	CU_ASSERT_EQUAL_FATAL(mgr_capi_slice(&member_a, st, &sl, &e), 0);
	CU_ASSERT_EQUAL(sl.n_slivers, 3);
	CU_ASSERT_STRING_EQUAL(vparam(&sl, "ln-term", "e1", "vid"), "10");
	CU_ASSERT_STRING_EQUAL(vparam(&sl, "ln-term", "e2", "type"), "vlan");
	CU_ASSERT_PTR_NULL(vparam(&sl, "ln-term", "e2", "port"));   /* the uplink by default */
	mgr_slice_clear(&sl);
	/* domB: GRE, its key open; the remote comes from the gateway's end once known */
	CU_ASSERT_EQUAL_FATAL(mgr_capi_slice(&member_b, st, &sl, &e), 0);
	CU_ASSERT_STRING_EQUAL(vparam(&sl, "ln-srv", "e2", "type"), "gre");
	CU_ASSERT_PTR_NULL(vparam(&sl, "ln-srv", "e2", "key"));
	CU_ASSERT_PTR_NULL(vparam(&sl, "ln-srv", "e2", "remote"));
	mgr_slice_clear(&sl);
	x = json_object_new_object();
	json_object_object_add(x, "ip_address", json_object_new_string("198.51.100.2"));
	json_object_object_add(at(st, "inter_domain_virtual_links", "0", "virtual_link_interfaces",
				  "1", NULL), "resource_information", x);
	json_object_object_add(at(st, "domains", "1", "domain_interfaces", "0",
				  "information_for_link_negotiation", NULL),
			       "gre_key", json_object_new_int(7001));
	CU_ASSERT_EQUAL_FATAL(mgr_capi_slice(&member_b, st, &sl, &e), 0);
	CU_ASSERT_STRING_EQUAL(vparam(&sl, "ln-srv", "e2", "remote"), "198.51.100.2");
	CU_ASSERT_STRING_EQUAL(vparam(&sl, "ln-srv", "e2", "key"), "7001");
	mgr_slice_clear(&sl);
	/* the gateway: LS01 between domain-a (VLAN) and domain-b (GRE to domB's address) */
	CU_ASSERT_EQUAL_FATAL(mgr_capi_slice(&gateway, st, &sl, &e), 0);
	CU_ASSERT_EQUAL(sl.n_slivers, 3);
	s = mgr_slice_sliver(&sl, "LS01");
	CU_ASSERT(s != NULL && s->kind == MGR_LINK && s->n_vports == 2);
	CU_ASSERT_STRING_EQUAL(mgr_kv_get(&s->resources, "bandwidth"), "100000000");
	CU_ASSERT_STRING_EQUAL(mgr_kv_get(&s->resources, "protocol"), "802.3,802.1Q,GRE");
	CU_ASSERT_STRING_EQUAL(vparam(&sl, "LS01", "a", "port"), "domain-a");
	CU_ASSERT_STRING_EQUAL(vparam(&sl, "LS01", "b", "remote"), "198.51.100.3");
	CU_ASSERT_STRING_EQUAL(vparam(&sl, "LS01", "b", "key"), "7001");
	CU_ASSERT(mgr_slice_sliver(&sl, "domA.gwA") != NULL &&
		  mgr_slice_sliver(&sl, "domB.gwB") != NULL);
	mgr_slice_clear(&sl);
	json_object_put(j);
}

/* One malformed structure: 'edit' applied to a fresh copy of federation.json. */
struct bad_case {
	const char *what;
	const struct mgr_capi_conf *c;
	const char *path[8];      /* where to put 'json' (the last name is the member) */
	const char *json;         /* NULL: delete that member */
	int code;
	const char *text;
};

static void
test_malformed_structures(void)
{
	static const struct bad_case bad[] = {
		{ "domains a struct", &member_a, { "domains" }, "{}", MGR_BADARGS,
		  "'domains' must be an array" },
		{ "domain without a name", &member_a, { "domains", "1", "dst_infra_name" }, NULL,
		  MGR_BADARGS, "dst_infra_name" },
		{ "own structure encrypted", &member_a, { "domains", "0", "domain_structure" },
		  "{\"$xmlrpc.base64\": \"AAEC\"}", MGR_UNSUPPORTED, "does not decrypt" },
		{ "node without type", &member_a,
		  { "domains", "0", "domain_structure", "virtual_nodes", "0", "node_type" }, NULL,
		  MGR_BADARGS, "node_type" },
		{ "node id not a name", &member_a,
		  { "domains", "0", "domain_structure", "virtual_nodes", "0", "node_id" }, "\"a b\"",
		  MGR_BADARGS, "is not a name" },
		{ "node id equal to a link name", &member_a,
		  { "domains", "0", "domain_structure", "virtual_nodes", "0", "node_id" },
		  "\"ln-term\"", MGR_BADARGS, "used twice" },
		{ "bind with one end", &member_a,
		  { "domains", "0", "domain_structure", "binds", "0", "bind_information" },
		  "[{\"resource_name\": \"term\", \"interface_name\": \"if0\"}]", MGR_BADARGS,
		  "two ends" },
		{ "domain interface unbound", &member_a,
		  { "domains", "0", "domain_structure", "binds", "1" }, NULL, MGR_BADARGS,
		  "no bind joins it" },
		{ "link type unknown", &member_a,
		  { "domains", "0", "domain_interfaces", "0", "information_for_link_negotiation",
		    "virtual_link_type" }, "\"MPLS\"", MGR_BADARGS, "not one this AGW carries" },
		{ "no link type", &member_a,
		  { "domains", "0", "domain_interfaces", "0", "information_for_link_negotiation",
		    "virtual_link_type" }, NULL, MGR_BADARGS, "needs virtual_link_type" },
		{ "vlan_id a struct", &member_a,
		  { "domains", "0", "domain_interfaces", "0", "information_for_link_negotiation",
		    "vlan_id" }, "{\"x\": 1}", MGR_BADARGS, "integers" },
		{ "resources an array", &member_a,
		  { "domains", "0", "domain_structure", "virtual_links", "0",
		    "resource_information" }, "[]", MGR_BADARGS, "must be a struct" },
		{ "gateway link without bandwidth", &gateway,
		  { "inter_domain_virtual_links", "0", "virtual_link_interfaces", "0",
		    "resource_information" }, NULL, MGR_BADARGS, "give its bandwidth" },
		{ "gateway bandwidth not a rate", &gateway,
		  { "inter_domain_virtual_links", "0", "virtual_link_interfaces", "0",
		    "resource_information", "bandwidth" }, "\"fast\"", MGR_BADARGS, "not a rate" },
		{ "gateway: a domain without [peer]", &gateway,
		  { "inter_domain_binds", "1", "bind_information", "0", "resource_name" }, "\"domX\"",
		  MGR_SEARCHFAILED, "nothing for this AGW" },
	};
	unsigned int i, k;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct json_object *j = fixture("federation.json"), *p, *v;
		struct mgr_slice sl;
		struct mgr_err e = { 0 };
		const char *last = NULL;

		CU_ASSERT_FATAL(j != NULL);
		p = at(j, "slice_structure", NULL);
		for (k = 0; k < 8 && bad[i].path[k] != NULL; k++) {
			if (k + 1 < 8 && bad[i].path[k + 1] == NULL) {
				last = bad[i].path[k];
				break;
			}
			p = at(p, bad[i].path[k], NULL);
		}
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		if (json_object_is_type(p, json_type_array)) {
			if (bad[i].json == NULL)
				json_object_array_del_idx(p, (size_t)atoi(last), 1);
			else
				json_object_array_put_idx(p, (size_t)atoi(last),
							  json_tokener_parse(bad[i].json));
		} else if (bad[i].json == NULL) {
			json_object_object_del(p, last);
		} else {
			v = json_tokener_parse(bad[i].json);
			CU_ASSERT_PTR_NOT_NULL_FATAL(v);
			json_object_object_add(p, last, v);
		}
		expect(bad[i].what, mgr_capi_slice(bad[i].c, at(j, "slice_structure", NULL),
						   &sl, &e), &e, bad[i].code, bad[i].text);
		CU_ASSERT_EQUAL(sl.n_slivers, 0);
		json_object_put(j);
	}
	/* the bounds of a VNode spec hold here too: 65 resources, 65 link interfaces */
	for (i = 0; i < 2; i++) {
		struct json_object *j = fixture("federation.json"), *l, *x;
		struct mgr_slice sl;
		struct mgr_err e = { 0 };
		char name[16];
		int n;

		CU_ASSERT_FATAL(j != NULL);
		l = at(j, "slice_structure", "domains", "0", "domain_structure", "virtual_links",
		       "0", NULL);
		for (n = 0; n < 65; n++) {
			snprintf(name, sizeof(name), "r%d", n);
			if (i == 0) {
				json_object_object_add(at(l, "resource_information", NULL), name,
						       json_object_new_string("1"));
				continue;
			}
			x = json_object_new_object();
			json_object_object_add(x, "interface_name", json_object_new_string(name));
			json_object_array_add(at(l, "virtual_link_interfaces", NULL), x);
		}
		expect(i == 0 ? "65 resources" : "65 interfaces",
		       mgr_capi_slice(&member_a, at(j, "slice_structure", NULL), &sl, &e), &e,
		       MGR_BADARGS, i == 0 ? "more than 64 keys" : "more than 64 vports");
		CU_ASSERT_EQUAL(sl.n_slivers, 0);
		json_object_put(j);
	}
}

/* ---------------------------------------------------------------- negotiation */

static void
test_negotiation(void)
{
	struct json_object *j = fixture("federation.json"), *st, *r, *neg;
	struct mgr_slice parsed, *want = NULL, *want2 = NULL;
	struct mgr_reg reg = { 0 };
	struct mgr_err e = { 0 };
	static const char *const ports[] = { "domain-a", "domain-b", "domain-c", NULL };
	struct mgr_plan_conf pc = pconf;

	CU_ASSERT_FATAL(j != NULL);
	pc.ports = ports;
	st = at(j, "slice_structure", NULL);
	/* open VID and key: the gateway's ranges decide */
	CU_ASSERT_EQUAL_FATAL(mgr_capi_slice(&gateway, st, &parsed, &e), 0);
	CU_ASSERT_EQUAL_FATAL(mgr_plan_create(&reg, &pc, "federation-h1", &parsed, &want, &e), 0);
	mgr_slice_clear(&parsed);
	want->fed = strdup(json_object_to_json_string(j));
	CU_ASSERT_EQUAL(mgr_sliver_vport(mgr_slice_sliver(want, "LS01"), "a")->ep.vid, 100);
	CU_ASSERT_EQUAL(mgr_sliver_vport(mgr_slice_sliver(want, "LS01"), "b")->ep.key, 5000);
	/* the reply carries them in the domains' interfaces, the gateway's address in LS01.b */
	r = mgr_capi_reply(&gateway, want, NULL);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(json_object_get_int(at(r, "return_code", NULL)), 0);
	neg = at(r, "slice_structure", "domains", "0", "domain_interfaces", "0",
		 "information_for_link_negotiation", NULL);
	CU_ASSERT_EQUAL(json_object_get_int(at(neg, "vlan_id", NULL)), 100);
	neg = at(r, "slice_structure", "domains", "1", "domain_interfaces", "0",
		 "information_for_link_negotiation", NULL);
	CU_ASSERT_EQUAL(json_object_get_int(at(neg, "gre_key", NULL)), 5000);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(neg, "ip_address", NULL)),
			       "198.51.100.3");   /* the domain's own, untouched */
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(r, "slice_structure",
							 "inter_domain_virtual_links", "0",
							 "virtual_link_interfaces", "1",
							 "resource_information", "ip_address",
							 NULL)), "198.51.100.2");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(r, "slice_structure",
							 "inter_domain_virtual_links", "0",
							 "virtual_link_status", NULL)), "created");
	/* other domains and extensions come back as they went */
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(r, "slice_structure", "domains", "2",
							 "domain_structure", "$xmlrpc.base64",
							 NULL)), "AAFvcGFxdWU=");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(r, "slice_structure", "extension",
							 "big", "$xmlrpc.i8", NULL)),
			       "8589934592");
	json_object_put(r);
	CU_ASSERT_EQUAL_FATAL(mgr_reg_commit(&reg, "federation-h1", want), 0);
	/* a second federation fixing the VID taken toward domA: refused, naming it */
	json_object_object_add(at(st, "domains", "0", "domain_interfaces", "0",
				  "information_for_link_negotiation", NULL),
			       "vlan_id", json_object_new_int(100));
	CU_ASSERT_EQUAL_FATAL(mgr_capi_slice(&gateway, st, &parsed, &e), 0);
	expect("fixed VID in use", mgr_plan_create(&reg, &pc, "f2", &parsed, &want2, &e), &e,
	       MGR_VLAN_UNAVAILABLE, "VID 100 on port 'domain-a'");
	mgr_slice_clear(&parsed);
	/* the same VID toward another port: honoured */
	peers[0].port[7] = 'c';   /* domain-c */
	CU_ASSERT_EQUAL_FATAL(mgr_capi_slice(&gateway, st, &parsed, &e), 0);
	CU_ASSERT_EQUAL(mgr_plan_create(&reg, &pc, "f2", &parsed, &want2, &e), 0);
	peers[0].port[7] = 'a';
	CU_ASSERT(want2 != NULL &&
		  mgr_sliver_vport(mgr_slice_sliver(want2, "LS01"), "a")->ep.vid == 100);
	mgr_slice_clear(&parsed);
	mgr_slice_free(want2);
	mgr_reg_clear(&reg);
	json_object_put(j);
}

/* ---------------------------------------------------------------- record */

static void
test_record(void)
{
	struct json_object *j = fixture("federation.json"), *add, *del, *r;
	struct mgr_capi_cmd cmd;
	struct mgr_err e = { 0 };
	char *rec, *rec2, *rec3;

	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT_EQUAL_FATAL(mgr_capi_decode(MGR_CAPI_CREATE_SLICE, j, &cmd, &e), 0);
	rec = mgr_capi_record(MGR_CAPI_CREATE_SLICE, &cmd, NULL, &e);
	CU_ASSERT_FATAL(rec != NULL);
	r = json_tokener_parse(rec);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(r, "developer", "developer_name", NULL)),
			       "hitachi01");
	CU_ASSERT(json_object_equal(at(r, "slice_structure", NULL),
				    at(j, "slice_structure", NULL)));
	json_object_put(r);
	/* Add: a node and a link in domA's structure, a new domain */
	add = json_tokener_parse(
		"{\"command_version\": \"2.0\", \"src_infra_name\": \"domA\", "
		"\"src_slice_id\": \"federation-h1\", \"slice_structure\": {\"domains\": ["
		"{\"dst_infra_name\": \"domA\", \"domain_structure\": {\"virtual_nodes\": "
		"[{\"node_id\": \"t2\", \"node_type\": \"Terminal\"}], \"virtual_links\": "
		"[{\"virtual_link_name\": \"l2\"}]}}, {\"dst_infra_name\": \"domY\"}]}}");
	CU_ASSERT_EQUAL_FATAL(mgr_capi_decode(MGR_CAPI_ADD, add, &cmd, &e), 0);
	rec2 = mgr_capi_record(MGR_CAPI_ADD, &cmd, rec, &e);
	CU_ASSERT_FATAL(rec2 != NULL);
	r = json_tokener_parse(rec2);
	CU_ASSERT_EQUAL(json_object_array_length(at(r, "slice_structure", "domains", "0",
						    "domain_structure", "virtual_nodes", NULL)), 2);
	CU_ASSERT_EQUAL(json_object_array_length(at(r, "slice_structure", "domains", NULL)), 4);
	json_object_put(r);
	/* Delete: the first node goes, with its bind */
	del = json_tokener_parse(
		"{\"command_version\": \"2.0\", \"src_infra_name\": \"domA\", "
		"\"src_slice_id\": \"federation-h1\", \"slice_structure\": {\"domains\": ["
		"{\"dst_infra_name\": \"domA\", \"domain_structure\": {\"virtual_nodes\": "
		"[{\"node_id\": \"term\"}]}}]}}");
	CU_ASSERT_EQUAL_FATAL(mgr_capi_decode(MGR_CAPI_DELETE, del, &cmd, &e), 0);
	rec3 = mgr_capi_record(MGR_CAPI_DELETE, &cmd, rec2, &e);
	CU_ASSERT_FATAL(rec3 != NULL);
	r = json_tokener_parse(rec3);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(r, "slice_structure", "domains", "0",
							 "domain_structure", "virtual_nodes", "0",
							 "node_id", NULL)), "t2");
	CU_ASSERT_EQUAL(json_object_array_length(at(r, "slice_structure", "domains", "0",
						    "domain_structure", "binds", NULL)), 1);
	json_object_put(r);
	/* a malformed stored record is a server error, not a crash */
	CU_ASSERT_PTR_NULL(mgr_capi_record(MGR_CAPI_ADD, &cmd, "[1", &e));
	CU_ASSERT_EQUAL(e.code, MGR_SERVERERROR);
	free(rec);
	free(rec2);
	free(rec3);
	json_object_put(add);
	json_object_put(del);
	json_object_put(j);
}

/* ---------------------------------------------------------------- reply, names */

static void
test_reply_and_names(void)
{
	struct json_object *j = fixture("federation.json"), *st, *stats, *r;
	struct mgr_slice parsed, *want = NULL;
	struct mgr_reg reg = { 0 };
	struct mgr_err e = { 0 };
	const char *names[8];
	int n;

	CU_ASSERT_FATAL(j != NULL);
	st = at(j, "slice_structure", NULL);
	json_object_object_add(at(st, "domains", "0", "domain_interfaces", "0",
				  "information_for_link_negotiation", NULL),
			       "vlan_id", json_object_new_int(101));
	CU_ASSERT_EQUAL_FATAL(mgr_capi_slice(&member_a, st, &parsed, &e), 0);
	CU_ASSERT_EQUAL_FATAL(mgr_plan_create(&reg, &pconf, "federation-h1", &parsed, &want, &e),
			      0);
	mgr_slice_clear(&parsed);
	CU_ASSERT_EQUAL(mgr_sliver_vport(mgr_slice_sliver(want, "ln-term"), "e2")->ep.vid, 101);
	want->fed = strdup(json_object_to_json_string(j));
	mgr_slice_sliver(want, "ln-term")->state = MGR_EXECUTED;
	/* names: the link lists its domain interface's node too */
	n = mgr_capi_names(&member_a, st, want, names, 8, &e);
	CU_ASSERT_EQUAL(n, 3);
	stats = json_tokener_parse(
		"{\"slivers\": [{\"name\": \"ln-term\", \"endpoints\": ["
		"{\"vport\": \"e1\", \"rx_pkts\": 5, \"tx_pkts\": 6},"
		"{\"vport\": \"e2\", \"rx_pkts\": 7, \"tx_pkts\": 8}]}]}");
	r = mgr_capi_reply(&member_a, want, stats);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(r, "slice_structure", "domains", "0",
							 "domain_status", NULL)), "created");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(r, "slice_structure", "domains", "0",
							 "domain_structure", "virtual_links", "0",
							 "link_status", NULL)), "executed");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(r, "slice_structure", "domains", "0",
							 "domain_structure", "virtual_nodes", "0",
							 "node_status", NULL)), "created");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(r, "slice_structure", "domains", "0",
							 "domain_interfaces", "0",
							 "interface_status", NULL)), "executed");
	CU_ASSERT_EQUAL(json_object_get_int(at(r, "slice_structure", "domains", "0",
					       "domain_interfaces", "0", "statistical_data",
					       "rx_pkts", NULL)), 7);
	CU_ASSERT_EQUAL(json_object_get_int(at(r, "slice_structure", "domains", "0",
					       "domain_structure", "virtual_links", "0",
					       "virtual_link_interfaces", "0", "statistical_data",
					       "tx_pkts", NULL)), 6);
	/* another domain's structure is not touched */
	CU_ASSERT_PTR_NULL(at(r, "slice_structure", "domains", "1", "domain_status", NULL));
	json_object_put(r);
	json_object_put(stats);
	/* a node the AGW does not hold */
	json_object_object_add(at(st, "domains", "0", "domain_structure", "virtual_nodes", "0",
				  NULL), "node_id", json_object_new_string("ghost"));
	expect("unknown node", mgr_capi_names(&member_a, st, want, names, 8, &e), &e,
	       MGR_SEARCHFAILED, "no node or link 'ghost'");
	mgr_slice_free(want);
	mgr_reg_clear(&reg);
	json_object_put(j);
}

static void
test_resources(void)
{
	struct json_object *rep = json_tokener_parse(
		"{\"ports\": [{\"name\": \"domain-a\", \"capacity_bps\": 10000000000, "
		"\"reserved_bps\": 1000000000, \"vids_used\": [102, 100, 4094], "
		"\"gre_endpoints\": 0}, {\"name\": \"domain-b\", \"capacity_bps\": 0, "
		"\"reserved_bps\": 5, \"vids_used\": [], \"gre_endpoints\": 2}], "
		"\"vid_range\": \"100-4094\", \"gre_key_range\": \"1-65535\", "
		"\"gw_core\": {\"connected\": true}}");
	struct json_object *r;

	CU_ASSERT_FATAL(rep != NULL);
	r = mgr_capi_resources(&gateway, rep);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(at(r, "ports", "0", "vids_free",
								 NULL), JSON_C_TO_STRING_PLAIN),
			       "[\"101\",\"103-4093\"]");
	CU_ASSERT_EQUAL(json_object_get_int64(at(r, "ports", "0", "free_bps", NULL)), 9000000000);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(at(r, "ports", "1", "vids_free",
								 NULL), JSON_C_TO_STRING_PLAIN),
			       "[\"100-4094\"]");
	CU_ASSERT_EQUAL(json_object_get_int64(at(r, "ports", "1", "gre_endpoints", NULL)), 2);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(r, "peers", "1", "dst_infra_name", NULL)),
			       "domB");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(r, "peers", "1", "ip_address", NULL)),
			       "198.51.100.2");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(r, "peers", "0", "virtual_link_type",
							 NULL)), "vlan");
	CU_ASSERT_PTR_NULL(at(r, "peers", "0", "ip_address", NULL));
	json_object_put(r);
	json_object_put(rep);
}

/* The record survives the store; a schema-2 database (before the Common API) gains the
 * column and keeps its slices. */
static void
test_store(void)
{
	char path[] = "/tmp/agw-unit-capi-XXXXXX", db[64];
	struct json_object *j = fixture("federation.json");
	struct mgr_slice parsed, *want = NULL;
	struct mgr_reg reg = { 0 }, back = { 0 };
	struct mgr_store *st;
	struct mgr_err e = { 0 };
	sqlite3 *raw;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0 && j != NULL);
	close(fd);
	unlink(path);
	snprintf(db, sizeof(db), "%s.db", path);
	/* a database as the manager wrote it before: schema 2, one slice */
	CU_ASSERT_FATAL(sqlite3_open(db, &raw) == SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_exec(raw,
		"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
		"INSERT INTO meta VALUES('schema', '2');"
		"CREATE TABLE slices(id TEXT PRIMARY KEY, spec_class TEXT NOT NULL, created INTEGER "
		"NOT NULL, binds TEXT NOT NULL, owner TEXT NOT NULL DEFAULT '');"
		"CREATE TABLE slivers(slice_id TEXT NOT NULL REFERENCES slices(id) ON DELETE "
		"CASCADE, name TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL, def TEXT NOT "
		"NULL, ord INTEGER NOT NULL, PRIMARY KEY(slice_id, name));"
		"INSERT INTO slices VALUES('old', '', 1, '[]', 'snc');", NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(raw);
	st = mgr_store_open(db, &e);
	CU_ASSERT_FATAL(st != NULL);
	CU_ASSERT_EQUAL_FATAL(mgr_capi_slice(&member_a, at(j, "slice_structure", NULL),
					     &parsed, &e), 0);
	CU_ASSERT_EQUAL_FATAL(mgr_plan_create(&reg, &pconf, "federation-h1", &parsed, &want, &e),
			      0);
	mgr_slice_clear(&parsed);
	want->fed = strdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	CU_ASSERT_EQUAL(mgr_store_put(st, want, &e), 0);
	CU_ASSERT_EQUAL(mgr_store_load(st, &back, &e), 0);
	CU_ASSERT_EQUAL(back.n, 2);
	CU_ASSERT(mgr_reg_find(&back, "old") != NULL && mgr_reg_find(&back, "old")->fed == NULL);
	CU_ASSERT(mgr_reg_find(&back, "federation-h1") != NULL &&
		  mgr_reg_find(&back, "federation-h1")->fed != NULL &&
		  strcmp(mgr_reg_find(&back, "federation-h1")->fed, want->fed) == 0);
	/* a copy keeps it too (planning works on copies) */
	{
		struct mgr_slice *d = mgr_slice_dup(mgr_reg_find(&back, "federation-h1"));

		CU_ASSERT(d != NULL && d->fed != NULL && strcmp(d->fed, want->fed) == 0);
		mgr_slice_free(d);
	}
	mgr_store_close(st);
	mgr_slice_free(want);
	mgr_reg_clear(&reg);
	mgr_reg_clear(&back);
	unlink(db);
	json_object_put(j);
}

int
test_mgr_capi_register(void)
{
	CU_pSuite s = CU_add_suite("mgr_capi", NULL, NULL);

	if (s == NULL)
		return -1;
	CU_add_test(s, "commands: seed 000's sample and every malformed case", test_decode);
	CU_add_test(s, "seed 000's example slice as VNode-hakusan", test_seed_example);
	CU_add_test(s, "destination domains and the gateway", test_member_and_gateway);
	CU_add_test(s, "malformed slice structures: their faults, nothing planned",
		    test_malformed_structures);
	CU_add_test(s, "link negotiation: chosen, returned, honoured, refused", test_negotiation);
	CU_add_test(s, "the federation record: Add and Delete merged", test_record);
	CU_add_test(s, "replies: statuses, statistical_data; names", test_reply_and_names);
	CU_add_test(s, "ResourceInfo: free VIDs and bandwidth per port, peers", test_resources);
	CU_add_test(s, "the record in SQLite; a schema-2 database migrated", test_store);
	return 0;
}

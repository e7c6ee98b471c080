/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Manager model: slice-spec parsing (seed 001 Figure 4 as printed, the AGW example,
 * every malformed case of issue 3 with its fault code), endpoint planning and
 * allocation, and seed 000's state transitions, allowed and refused. A refused
 * request must leave the registry exactly as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <sqlite3.h>

#include <sys/stat.h>
#include <unistd.h>

#include "mgr.h"
#include "mgr_plan.h"
#include "mgr_charon.h"
#include "mgr_ep.h"
#include "mgr_store.h"
#include "nsl.h"

#define KEY16 "000102030405060708090a0b0c0d0e0f"

#ifndef AGW_SRCDIR
#define AGW_SRCDIR "."
#endif

/* node slivers: room for Figure 4's VN5 (1 core, 2048 MiB) and its image server */
static const struct nsl_conf nslc = {
	.cores = 4, .memory_mib = 8192, .disk_mib = 20480,
	.boot_image_server = "images.example.org:8080",
};

static struct mgr_plan_conf conf = {
	.nsl = &nslc,
	.uplink_port = "core", .access_port = "access",
	.vid_min = 100, .vid_max = 103,
	.key_min = 5000, .key_max = 5002,
	.gre_remote = "198.51.100.2",
	.port_capacity_bps = 1000000000ull,
};

/* Case 'i''s error message 'msg' contains 'want'; printed when it does not. */
static void
expect_msg(unsigned int i, const char *msg, const char *want)
{
	bool found = strstr(msg, want) != NULL;

	if (!found)
		fprintf(stderr, "case %u: '%s' lacks '%s'\n", i, msg, want);
	CU_ASSERT(found);
}

static char *
slurp(const char *rel)
{
	char path[512];
	FILE *f;
	long n;
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", AGW_SRCDIR, rel);
	f = fopen(path, "rb");
	CU_ASSERT_FATAL(f != NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	CU_ASSERT_FATAL(fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	return buf;
}

/* Parse 'xml' and plan CreateSlice 'id'; commit on success. @return fault code. */
static int
create(struct mgr_reg *reg, const char *id, const char *xml, struct mgr_err *e)
{
	struct mgr_slice spec, *sl;

	memset(e, 0, sizeof(*e));
	if (mgr_spec_parse(xml, strlen(xml), &spec, e) != 0)
		return e->code;
	if (mgr_plan_create(reg, &conf, id, &spec, &sl, e) != 0) {
		mgr_slice_clear(&spec);
		return e->code;
	}
	mgr_slice_clear(&spec);
	CU_ASSERT_FATAL(mgr_reg_commit(reg, id, sl) == 0);
	return 0;
}

static const struct mgr_ep *
ep_of(const struct mgr_reg *reg, const char *id, const char *link, const char *vport)
{
	const struct mgr_slice *sl = mgr_reg_find(reg, id);
	const struct mgr_sliver *s = sl != NULL ? mgr_slice_sliver(sl, link) : NULL;
	unsigned int i;

	for (i = 0; s != NULL && i < s->n_vports; i++)
		if (strcmp(s->vports[i].name, vport) == 0)
			return &s->vports[i].ep;
	return NULL;
}

static void
test_fig4_as_printed(void)
{
	struct mgr_reg reg = { 0 };
	struct mgr_slice spec;
	struct mgr_err e = { 0 };
	const struct mgr_sliver *vl5, *vn5, *vn1;
	const struct mgr_ep *ep;
	char *xml = slurp("etc/specs/seed001-fig4.xml");

	CU_ASSERT_FATAL(mgr_spec_parse(xml, strlen(xml), &spec, &e) == 0);
	CU_ASSERT_STRING_EQUAL(spec.spec_class, "VT-part_slice");
	CU_ASSERT_EQUAL(spec.n_slivers, 3);
	CU_ASSERT_EQUAL(spec.n_binds, 2);
	vl5 = mgr_slice_sliver(&spec, "VL5");
	vn5 = mgr_slice_sliver(&spec, "VN5");
	vn1 = mgr_slice_sliver(&spec, "VN1");
	CU_ASSERT_FATAL(vl5 != NULL && vn5 != NULL && vn1 != NULL);
	CU_ASSERT_EQUAL(vl5->kind, MGR_LINK);
	CU_ASSERT_EQUAL(vl5->n_vports, 2);
	CU_ASSERT_STRING_EQUAL(mgr_kv_get(&vl5->resources, "protocol"), "802.3,IPv4,GRE,IPsec");
	CU_ASSERT_STRING_EQUAL(vn5->instance, "SlowPath_VM");
	CU_ASSERT_STRING_EQUAL(mgr_kv_get(&vn5->params, "bootImage"),
			       "http://{bootImageServer}/bootImage.img");
	CU_ASSERT_STRING_EQUAL(mgr_kv_get(&vn5->resources, "memory"), "2048");
	CU_ASSERT_STRING_EQUAL(vn1->type, "_super");
	CU_ASSERT_STRING_EQUAL(spec.binds[0].sliver[0], "VN5");   /* slivename= */
	CU_ASSERT_STRING_EQUAL(spec.binds[1].vport[1], "vp1");
	mgr_slice_clear(&spec);

	CU_ASSERT_EQUAL(create(&reg, "fig4", xml, &e), 0);
	CU_ASSERT_EQUAL(mgr_slice_sliver(mgr_reg_find(&reg, "fig4"), "VL5")->bandwidth_bps,
			1000000000ull);
	ep = ep_of(&reg, "fig4", "VL5", "e2");   /* to VN1 (_super): GRE, key allocated */
	CU_ASSERT_FATAL(ep != NULL);
	CU_ASSERT_EQUAL(ep->type, MGR_EP_GRE);
	CU_ASSERT_EQUAL(ep->role, MGR_ROLE_NETWORK);
	CU_ASSERT_STRING_EQUAL(ep->port, "core");
	CU_ASSERT_STRING_EQUAL(ep->remote, "198.51.100.2");
	CU_ASSERT(ep->has_key && ep->key == 5000);
	ep = ep_of(&reg, "fig4", "VL5", "e1");   /* to VN5 (SlowPath_VM): a node sliver */
	CU_ASSERT_EQUAL(ep->type, MGR_EP_NSLIVER);
	CU_ASSERT_STRING_EQUAL(ep->node, "VN5");
	{
		/* Run of the whole slice plans VN5 executed too: the runtime starts it (or
		 * refuses, mgr_nsl.c) before anything is committed; VL5's shaping is planned
		 * into its GRE endpoint (1G, the printed burst of 1024 bytes raised to a jumbo
		 * frame, the port's rate from port_capacity) */
		static const char *const vn5[] = { "VN5" }, *const vl5[] = { "VL5" },
				  *const vn1[] = { "VN1" };
		struct mgr_slice *sl = NULL;

		CU_ASSERT_EQUAL_FATAL(mgr_plan_transition(&reg, "fig4", NULL, 0, MGR_EXECUTED, &sl,
							  &e), 0);
		CU_ASSERT_EQUAL(mgr_slice_sliver(sl, "VN5")->state, MGR_EXECUTED);
		mgr_slice_free(sl);
		CU_ASSERT_EQUAL_FATAL(mgr_plan_transition(&reg, "fig4", vn5, 1, MGR_EXECUTED, &sl,
							  &e), 0);
		CU_ASSERT_EQUAL(mgr_slice_sliver(sl, "VN5")->state, MGR_EXECUTED);
		CU_ASSERT_EQUAL(mgr_slice_sliver(sl, "VL5")->state, MGR_CREATED);
		mgr_slice_free(sl);
		CU_ASSERT_EQUAL(ep_of(&reg, "fig4", "VL5", "e2")->shape_bps, 1000000000ull);
		CU_ASSERT_EQUAL(ep_of(&reg, "fig4", "VL5", "e2")->shape_burst, 9300);
		CU_ASSERT_EQUAL(ep_of(&reg, "fig4", "VL5", "e2")->port_rate_bps, 1000000000ull);
		CU_ASSERT_EQUAL(ep_of(&reg, "fig4", "VL5", "e2")->police_bps, 0);
		CU_ASSERT_EQUAL_FATAL(mgr_plan_transition(&reg, "fig4", vl5, 1, MGR_EXECUTED, &sl,
							  &e), 0);
		mgr_slice_free(sl);
		CU_ASSERT_EQUAL_FATAL(mgr_plan_transition(&reg, "fig4", vn1, 1, MGR_EXECUTED, &sl,
							  &e), 0);
		CU_ASSERT_EQUAL(mgr_slice_sliver(sl, "VN5")->state, MGR_CREATED);
		CU_ASSERT_EQUAL(mgr_slice_sliver(sl, "VL5")->state, MGR_CREATED);
		CU_ASSERT_EQUAL(mgr_slice_sliver(sl, "VN1")->state, MGR_EXECUTED);
		mgr_slice_free(sl);
	}
	mgr_reg_clear(&reg);
	free(xml);
}

/* Both spellings of both names give the same model. */
static void
test_spellings(void)
{
	char *xml = slurp("etc/specs/seed001-fig4.xml"), *p;
	struct mgr_slice a, b;
	struct mgr_err e;

	CU_ASSERT_FATAL(mgr_spec_parse(xml, strlen(xml), &a, &e) == 0);
	while ((p = strstr(xml, "sllicespec")) != NULL)
		memmove(p + 1, p + 2, strlen(p + 2) + 1);          /* -> slicespec */
	while ((p = strstr(xml, "slivename=")) != NULL) {
		size_t n = strlen(xml);

		xml = realloc(xml, n + 2);
		p = strstr(xml, "slivename=");
		memmove(p + 6, p + 5, strlen(p + 5) + 1);           /* -> slivername */
		p[5] = 'r';
	}
	CU_ASSERT_PTR_NULL(strstr(xml, "sllicespec"));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "slivername=\"VN5\""));
	CU_ASSERT_FATAL(mgr_spec_parse(xml, strlen(xml), &b, &e) == 0);
	CU_ASSERT_EQUAL(a.n_slivers, b.n_slivers);
	CU_ASSERT_EQUAL(a.n_binds, b.n_binds);
	CU_ASSERT(memcmp(a.binds, b.binds, a.n_binds * sizeof(*a.binds)) == 0);
	mgr_slice_clear(&a);
	mgr_slice_clear(&b);
	free(xml);
}

static void
test_agw_example(void)
{
	struct mgr_reg reg = { 0 };
	struct mgr_err e;
	const struct mgr_ep *ep;
	char *xml = slurp("etc/specs/agw-vlan-gre.xml");

	CU_ASSERT_EQUAL_FATAL(create(&reg, "s1", xml, &e), 0);
	ep = ep_of(&reg, "s1", "VL1", "term");
	CU_ASSERT_EQUAL(ep->type, MGR_EP_VLAN);
	CU_ASSERT_EQUAL(ep->role, MGR_ROLE_TERMINAL);
	CU_ASSERT_STRING_EQUAL(ep->port, "access");
	CU_ASSERT_EQUAL(ep->vid, 10);
	ep = ep_of(&reg, "s1", "VL1", "net");
	CU_ASSERT_EQUAL(ep->type, MGR_EP_GRE);
	CU_ASSERT(ep->has_key && ep->key == 7001);
	CU_ASSERT_STRING_EQUAL(ep->remote, "198.51.100.2");
	mgr_reg_clear(&reg);
	free(xml);
}

/* The AGW example with the term vport's params, the net vport's params and the
 * resources replaced. */
static char *
agw_spec(const char *term, const char *net, const char *res)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf),
		 "<slice-design><slicespec><sliverdef><linkSlivers>"
		 "<linkSliver name=\"VL1\"><vports>"
		 "<vport name=\"term\"><params>%s</params></vport>"
		 "<vport name=\"net\"><params>%s</params></vport></vports>"
		 "<resources>%s</resources></linkSliver></linkSlivers>"
		 "<nodeSlivers><nodeSliver name=\"t\"><vports><vport name=\"p\"/></vports>"
		 "<instance type=\"Terminal\"/></nodeSliver>"
		 "<nodeSliver name=\"n\" type=\"_super\"><vports><vport name=\"p\"/></vports>"
		 "</nodeSliver></nodeSlivers></sliverdef><structure>"
		 "<bind><vport slivername=\"t\" portname=\"p\"/>"
		 "<vport slivername=\"VL1\" portname=\"term\"/></bind>"
		 "<bind><vport slivername=\"VL1\" portname=\"net\"/>"
		 "<vport slivername=\"n\" portname=\"p\"/></bind>"
		 "</structure></slicespec></slice-design>",
		 term, net, res);
	return buf;
}

#define P(k, v) "<param key=\"" k "\" value=\"" v "\"/>"
#define R(k, v) "<resource key=\"" k "\" value=\"" v "\"/>"
#define RES_OK R("bandwidth", "100M") R("protocol", "802.3,802.1Q,IPv4,GRE")

struct bad {
	const char *what;
	const char *xml;        /* NULL: built from the three parts below */
	const char *term, *net, *res;
	int code;
	const char *msg;        /* substring of the fault message */
};

static void
test_malformed(void)
{
	static const struct bad cases[] = {
		{ "not XML", "<slice-design><slicespec>", NULL, NULL, NULL, MGR_BADARGS,
		  "not well-formed" },
		{ "wrong root", "<rspec/>", NULL, NULL, NULL, MGR_BADARGS, "<slice-design>" },
		{ "unknown element", "<slice-design><slicespec><sliverdef><linkSlivers>"
		  "<linkSlver name=\"x\"/></linkSlivers></sliverdef></slicespec></slice-design>",
		  NULL, NULL, NULL, MGR_BADARGS, "unknown element <linkSlver>" },
		{ "bad sliver name", "<slice-design><slicespec><sliverdef><nodeSlivers>"
		  "<nodeSliver name=\"a b\" type=\"_super\"/></nodeSlivers></sliverdef>"
		  "</slicespec></slice-design>", NULL, NULL, NULL, MGR_BADARGS, "'a b'" },
		{ "duplicate sliver", "<slice-design><slicespec><sliverdef><nodeSlivers>"
		  "<nodeSliver name=\"a\" type=\"_super\"/><nodeSliver name=\"a\" type=\"_super\"/>"
		  "</nodeSlivers></sliverdef></slicespec></slice-design>", NULL, NULL, NULL,
		  MGR_BADARGS, "'a' is used twice" },
		{ "bind with three ends", "<slice-design><slicespec><structure><bind>"
		  "<vport slivername=\"a\" portname=\"p\"/><vport slivername=\"b\" portname=\"p\"/>"
		  "<vport slivername=\"c\" portname=\"p\"/></bind></structure></slicespec>"
		  "</slice-design>", NULL, NULL, NULL, MGR_BADARGS, "exactly two" },
		{ "VID 0", NULL, P("vid", "0"), P("key", "1"), RES_OK, MGR_BADARGS,
		  "VID '0' is outside 1-4094" },
		{ "VID 4095", NULL, P("vid", "4095"), P("key", "1"), RES_OK, MGR_BADARGS,
		  "outside 1-4094" },
		{ "VID of another slice", NULL, P("vid", "10"), P("key", "1"), RES_OK,
		  MGR_VLAN_UNAVAILABLE, "VID 10 on port 'access' is used by slice 'other'" },
		{ "GRE key of another slice", NULL, P("vid", "11"), P("key", "7001"), RES_OK,
		  MGR_ALREADYEXISTS, "key 7001 is used by slice 'other'" },
		{ "no bandwidth", NULL, P("vid", "11"), P("key", "1"),
		  R("protocol", "802.3,GRE"), MGR_BADARGS, "'bandwidth' is required" },
		{ "policing burst below a jumbo frame", NULL, P("vid", "11"), P("key", "1"),
		  RES_OK R("performanceIsolation", "policing") R("burstSize", "1500"), MGR_BADARGS,
		  "burstSize 1500: policing needs 9300 bytes" },
		{ "unknown isolation", NULL, P("vid", "11"), P("key", "1"),
		  RES_OK R("performanceIsolation", "fair"), MGR_BADARGS,
		  "performanceIsolation 'fair' is not one of" },
		{ "no protocol", NULL, P("vid", "11"), P("key", "1"), R("bandwidth", "1M"),
		  MGR_BADARGS, "'protocol' is required" },
		{ "bad bandwidth", NULL, P("vid", "11"), P("key", "1"),
		  R("bandwidth", "fast") R("protocol", "GRE"), MGR_BADARGS, "bandwidth 'fast'" },
		{ "unknown protocol", NULL, P("vid", "11"), P("key", "1"),
		  R("bandwidth", "1M") R("protocol", "802.3,MPLS"), MGR_BADARGS, "'MPLS'" },
		{ "over capacity", NULL, P("vid", "11"), P("key", "1"),
		  R("bandwidth", "950M") R("protocol", "802.3,GRE"), MGR_INSUFFICIENT_BANDWIDTH,
		  "exceeds its capacity" },
		{ "unknown param", NULL, P("vlan", "11"), P("key", "1"), RES_OK, MGR_BADARGS,
		  "unknown param 'vlan'" },
		{ "GRE key on a link without GRE", NULL, P("vid", "11"), P("key", "1"),
		  R("bandwidth", "1M") R("protocol", "802.3,802.1Q"), MGR_BADARGS,
		  "key/remote/nexthop_mac on a vlan endpoint" },
		{ "type gre on a link without GRE", NULL, P("vid", "11"), P("type", "gre"),
		  R("bandwidth", "1M") R("protocol", "802.3,802.1Q"), MGR_BADARGS,
		  "the link's protocol has no GRE" },
		{ "unknown port", NULL, P("vid", "11") P("port", "eth9"), P("key", "1"), RES_OK,
		  MGR_BADARGS, "no port 'eth9'" },
		{ "ipsec without pool", NULL, P("type", "ipsec"), P("key", "1"), RES_OK,
		  MGR_BADARGS, "needs param 'pool'" },
		{ "trailer without app", NULL, P("type", "trailer"), P("key", "1"), RES_OK,
		  MGR_BADARGS, "needs param 'app'" },
		{ "trailer app range backwards", NULL, P("type", "trailer") P("app", "9-5"),
		  P("key", "1"), RES_OK, MGR_BADARGS, "app '9-5' is not an app ID" },
		{ "trailer app 0", NULL, P("type", "trailer") P("app", "0"), P("key", "1"), RES_OK,
		  MGR_BADARGS, "app '0'" },
		{ "trailer terminal 0", NULL, P("type", "trailer") P("app", "5") P("terminal", "0"),
		  P("key", "1"), RES_OK, MGR_BADARGS, "terminal '0'" },
		{ "app on a vlan vport", NULL, P("vid", "11") P("app", "5"), P("key", "1"), RES_OK,
		  MGR_BADARGS, "app/terminal/terminal_key/auth/reappend on a vlan endpoint" },
		{ "reappend for any terminal", NULL, P("type", "trailer") P("app", "5")
		  P("reappend", "yes"), P("key", "1"), RES_OK, MGR_BADARGS,
		  "reappend needs one terminal and one app" },
		{ "reappend for an app range", NULL, P("type", "trailer") P("app", "5-6")
		  P("terminal", "3") P("reappend", "yes"), P("key", "1"), RES_OK, MGR_BADARGS,
		  "reappend needs one terminal and one app" },
		{ "reappend neither yes nor no", NULL, P("type", "trailer") P("app", "5")
		  P("terminal", "3") P("reappend", "sure"), P("key", "1"), RES_OK, MGR_BADARGS,
		  "reappend 'sure' is not yes or no" },
		{ "terminal_key without terminal", NULL, P("type", "trailer") P("app", "5")
		  P("terminal_key", KEY16), P("key", "1"), RES_OK, MGR_BADARGS,
		  "terminal_key needs param 'terminal'" },
		{ "terminal_key too short", NULL, P("type", "trailer") P("app", "5")
		  P("terminal", "3") P("terminal_key", "00112233"), P("key", "1"), RES_OK,
		  MGR_BADARGS, "terminal_key is not 16 to 64 bytes" },
		{ "terminal_key not hex", NULL, P("type", "trailer") P("app", "5")
		  P("terminal", "3") P("terminal_key", "zz0102030405060708090a0b0c0d0e0f"),
		  P("key", "1"), RES_OK, MGR_BADARGS, "terminal_key is not 16 to 64 bytes" },
		{ "auth without key", NULL, P("type", "trailer") P("app", "5") P("terminal", "3")
		  P("auth", "required"), P("key", "1"), RES_OK, MGR_BADARGS,
		  "auth without terminal_key" },
		{ "auth neither required nor optional", NULL, P("type", "trailer") P("app", "5")
		  P("terminal", "3") P("terminal_key", KEY16) P("auth", "maybe"), P("key", "1"),
		  RES_OK, MGR_BADARGS, "auth 'maybe' is not required or optional" },
		{ "trailer apps twice in the spec", NULL, P("type", "trailer") P("app", "5-9"),
		  P("type", "trailer") P("port", "access") P("app", "9"), RES_OK, MGR_ALREADYEXISTS,
		  "apps 9-9 of terminal 0 (any) on port 'access' overlap slice 'new'" },
		{ "bad remote", NULL, P("vid", "11"), P("remote", "10.0.0.300"), RES_OK,
		  MGR_BADARGS, "'remote'" },
		{ "same VID twice in the spec", NULL, P("vid", "12"),
		  P("type", "vlan") P("port", "access") P("vid", "12"), RES_OK,
		  MGR_VLAN_UNAVAILABLE, "VID 12 on port 'access' is used by slice 'new'" },
	};
	static const char *ports[] = { "access", "core", NULL };
	struct mgr_reg reg = { 0 };
	struct mgr_err e;
	char *ex = slurp("etc/specs/agw-vlan-gre.xml");
	unsigned int i;

	conf.ports = ports;
	CU_ASSERT_EQUAL_FATAL(create(&reg, "other", ex, &e), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad *b = &cases[i];
		const char *xml = b->xml != NULL ? b->xml : agw_spec(b->term, b->net, b->res);
		int code = create(&reg, "new", xml, &e);

		if (code != b->code || strstr(e.msg, b->msg) == NULL)
			fprintf(stderr, "\n  case '%s': got %s '%s'\n", b->what,
				mgr_fault_name(code), e.msg);
		CU_ASSERT_EQUAL(code, b->code);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, b->msg));
		CU_ASSERT_EQUAL(reg.n, 1);                 /* nothing changed */
		CU_ASSERT_PTR_NULL(mgr_reg_find(&reg, "new"));
	}
	/* a slice id that exists, or that is not a name */
	CU_ASSERT_EQUAL(create(&reg, "other", ex, &e), MGR_ALREADYEXISTS);
	CU_ASSERT_EQUAL(create(&reg, "no/slash", ex, &e), MGR_BADARGS);
	CU_ASSERT_EQUAL(reg.n, 1);
	conf.ports = NULL;
	mgr_reg_clear(&reg);
	free(ex);
}

static void
test_allocation(void)
{
	struct mgr_reg reg = { 0 };
	struct mgr_err e;
	char id[16];
	int i;

	/* no vid / key given: VIDs 100.. and keys 5000.. in order, until the range ends */
	for (i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "a%d", i);
		CU_ASSERT_EQUAL_FATAL(create(&reg, id, agw_spec("", "", RES_OK), &e), 0);
		CU_ASSERT_EQUAL(ep_of(&reg, id, "VL1", "term")->vid, 100 + i);
		CU_ASSERT_EQUAL(ep_of(&reg, id, "VL1", "net")->key, 5000u + (unsigned int)i);
	}
	CU_ASSERT_EQUAL(create(&reg, "a3", agw_spec("", P("key", "1"), RES_OK), &e), 0);
	CU_ASSERT_EQUAL(ep_of(&reg, "a3", "VL1", "term")->vid, 103);
	CU_ASSERT_EQUAL(create(&reg, "a4", agw_spec("", P("key", "2"), RES_OK), &e),
			MGR_VLAN_UNAVAILABLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "no free VID on port 'access' in 100-103"));
	CU_ASSERT_EQUAL(create(&reg, "a4", agw_spec(P("vid", "7"), "", RES_OK), &e),
			MGR_ALREADYEXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "no free GRE key"));
	/* a freed VID is reused */
	CU_ASSERT_EQUAL(mgr_reg_commit(&reg, "a1", NULL), 0);
	CU_ASSERT_EQUAL(create(&reg, "a5", agw_spec("", P("key", "3"), RES_OK), &e), 0);
	CU_ASSERT_EQUAL(ep_of(&reg, "a5", "VL1", "term")->vid, 101);
	CU_ASSERT_EQUAL(reg.n, 4);
	/* a network side on a link without GRE is a VLAN on the uplink */
	CU_ASSERT_EQUAL(create(&reg, "v", agw_spec(P("vid", "30"), "",
						   R("bandwidth", "1M") R("protocol", "802.1Q")), &e), 0);
	CU_ASSERT_EQUAL(ep_of(&reg, "v", "VL1", "net")->type, MGR_EP_VLAN);
	CU_ASSERT_STRING_EQUAL(ep_of(&reg, "v", "VL1", "net")->port, "core");
	CU_ASSERT_EQUAL(ep_of(&reg, "v", "VL1", "net")->vid, 100);   /* free on 'core' */
	mgr_reg_clear(&reg);
}

static void
commit(struct mgr_reg *reg, const char *id, struct mgr_slice *sl)
{
	CU_ASSERT_FATAL(mgr_reg_commit(reg, id, sl) == 0);
}

static enum mgr_state
state(const struct mgr_reg *reg, const char *id, const char *sliver)
{
	return mgr_slice_sliver(mgr_reg_find(reg, id), sliver)->state;
}

static void
test_states(void)
{
	struct mgr_reg reg = { 0 };
	struct mgr_slice *sl, spec;
	struct mgr_err e;
	int rc;
	const char *vl1[] = { "VL1" }, *t[] = { "t" }, *nope[] = { "nope" }, *both[] = { "VL1", "t" };
	const char *add =
		"<slice-design><slicespec><sliverdef><linkSlivers><linkSliver name=\"VL2\">"
		"<vports><vport name=\"a\"/><vport name=\"b\"/></vports><resources>" RES_OK
		"</resources></linkSliver></linkSlivers><nodeSlivers><nodeSliver name=\"t2\">"
		"<vports><vport name=\"p\"/></vports><instance type=\"Terminal\"/></nodeSliver>"
		"</nodeSlivers></sliverdef><structure>"
		"<bind><vport slivername=\"t2\" portname=\"p\"/><vport slivername=\"VL2\" "
		"portname=\"a\"/></bind><bind><vport slivername=\"VL2\" portname=\"b\"/>"
		"<vport slivername=\"n\" portname=\"p\"/></bind></structure></slicespec>"
		"</slice-design>";
	const char *add2 =
		"<slice-design><slicespec><sliverdef><linkSlivers><linkSliver name=\"VL2\">"
		"<vports><vport name=\"a\"/><vport name=\"b\"/></vports><resources>" RES_OK
		"</resources></linkSliver></linkSlivers><nodeSlivers><nodeSliver name=\"t2\">"
		"<vports><vport name=\"p\"/></vports><instance type=\"Terminal\"/></nodeSliver>"
		"<nodeSliver name=\"m\" type=\"_super\"><vports><vport name=\"p\"/></vports>"
		"</nodeSliver></nodeSlivers></sliverdef><structure>"
		"<bind><vport slivername=\"t2\" portname=\"p\"/><vport slivername=\"VL2\" "
		"portname=\"a\"/></bind><bind><vport slivername=\"VL2\" portname=\"b\"/>"
		"<vport slivername=\"m\" portname=\"p\"/></bind></structure></slicespec>"
		"</slice-design>";

	CU_ASSERT_EQUAL_FATAL(create(&reg, "s", agw_spec(P("vid", "20"), P("key", "20"), RES_OK),
				     &e), 0);
	CU_ASSERT_EQUAL(state(&reg, "s", "VL1"), MGR_CREATED);
	CU_ASSERT_EQUAL(state(&reg, "s", "n"), MGR_CREATED);

	/* Stop from created: refused */
	CU_ASSERT_EQUAL(mgr_plan_transition(&reg, "s", vl1, 1, MGR_CREATED, &sl, &e), -1);
	CU_ASSERT_EQUAL(e.code, MGR_REFUSED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Stop: sliver 'VL1' of slice 's' is created"));
	CU_ASSERT_EQUAL(mgr_plan_transition(&reg, "s", NULL, 0, MGR_CREATED, &sl, &e), -1);
	CU_ASSERT_EQUAL(e.code, MGR_REFUSED);
	/* Run one sliver, then the rest of the slice */
	CU_ASSERT_EQUAL_FATAL(mgr_plan_transition(&reg, "s", vl1, 1, MGR_EXECUTED, &sl, &e), 0);
	commit(&reg, "s", sl);
	CU_ASSERT_EQUAL(state(&reg, "s", "VL1"), MGR_EXECUTED);
	CU_ASSERT_EQUAL(state(&reg, "s", "t"), MGR_CREATED);
	CU_ASSERT_EQUAL(mgr_plan_transition(&reg, "s", vl1, 1, MGR_EXECUTED, &sl, &e), -1);
	CU_ASSERT_EQUAL(e.code, MGR_REFUSED);
	CU_ASSERT_EQUAL(mgr_plan_transition(&reg, "s", NULL, 0, MGR_EXECUTED, &sl, &e), 0);
	commit(&reg, "s", sl);
	CU_ASSERT_EQUAL(state(&reg, "s", "t"), MGR_EXECUTED);
	CU_ASSERT_EQUAL(mgr_plan_transition(&reg, "s", NULL, 0, MGR_EXECUTED, &sl, &e), -1);
	CU_ASSERT_EQUAL(e.code, MGR_REFUSED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "every sliver of slice 's' is executed already"));
	/* unknown names and slices */
	CU_ASSERT_EQUAL(mgr_plan_transition(&reg, "s", nope, 1, MGR_CREATED, &sl, &e), -1);
	CU_ASSERT_EQUAL(e.code, MGR_SEARCHFAILED);
	CU_ASSERT_EQUAL(mgr_plan_transition(&reg, "x", NULL, 0, MGR_CREATED, &sl, &e), -1);
	CU_ASSERT_EQUAL(e.code, MGR_SEARCHFAILED);
	/* Stop, then Stop again: refused */
	CU_ASSERT_EQUAL(mgr_plan_transition(&reg, "s", vl1, 1, MGR_CREATED, &sl, &e), 0);
	commit(&reg, "s", sl);
	CU_ASSERT_EQUAL(mgr_plan_transition(&reg, "s", vl1, 1, MGR_CREATED, &sl, &e), -1);
	CU_ASSERT_EQUAL(e.code, MGR_REFUSED);

	/* Add: a link from a new terminal node to a vport already bound: refused */
	CU_ASSERT_FATAL(mgr_spec_parse(add, strlen(add), &spec, &e) == 0);
	CU_ASSERT_EQUAL(mgr_plan_add(&reg, &conf, "s", &spec, &sl, &e), -1);
	CU_ASSERT_EQUAL(e.code, MGR_BADARGS);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "both use vport n.p"));
	mgr_slice_clear(&spec);
	/* ... to a new network node: added, created; its name again: ALREADYEXISTS */
	CU_ASSERT_FATAL(mgr_spec_parse(add2, strlen(add2), &spec, &e) == 0);
	rc = mgr_plan_add(&reg, &conf, "s", &spec, &sl, &e);
	if (rc != 0)
		fprintf(stderr, "\n  Add: %s\n", e.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	commit(&reg, "s", sl);
	CU_ASSERT_EQUAL(state(&reg, "s", "VL2"), MGR_CREATED);
	CU_ASSERT_EQUAL(state(&reg, "s", "t"), MGR_EXECUTED);
	CU_ASSERT_EQUAL(ep_of(&reg, "s", "VL2", "a")->vid, 100);
	CU_ASSERT_EQUAL(ep_of(&reg, "s", "VL1", "term")->vid, 20);   /* kept */
	CU_ASSERT_EQUAL(mgr_plan_add(&reg, &conf, "s", &spec, &sl, &e), -1);
	CU_ASSERT_EQUAL(e.code, MGR_ALREADYEXISTS);
	mgr_slice_clear(&spec);

	/* Delete: a node whose vport stays bound to a link is refused; with the links, fine */
	CU_ASSERT_EQUAL(mgr_plan_delete(&reg, "s", t, 1, &sl, &e), -1);
	CU_ASSERT_EQUAL(e.code, MGR_BADARGS);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "delete 'VL"));
	CU_ASSERT_EQUAL(mgr_plan_delete(&reg, "s", nope, 1, &sl, &e), -1);
	CU_ASSERT_EQUAL(e.code, MGR_SEARCHFAILED);
	CU_ASSERT_EQUAL(mgr_slice_sliver(mgr_reg_find(&reg, "s"), "VL2") != NULL, 1);
	{
		const char *three[] = { "VL2", "t2", "m" };

		CU_ASSERT_EQUAL_FATAL(mgr_plan_delete(&reg, "s", both, 2, &sl, &e), 0);
		commit(&reg, "s", sl);
		CU_ASSERT_EQUAL_FATAL(mgr_plan_delete(&reg, "s", three, 3, &sl, &e), 0);
		commit(&reg, "s", sl);
	}
	CU_ASSERT_EQUAL(mgr_reg_find(&reg, "s")->n_slivers, 1);
	CU_ASSERT_EQUAL(mgr_reg_find(&reg, "s")->n_binds, 0);
	/* the deleted link's VID is free again */
	CU_ASSERT_EQUAL(create(&reg, "s2", agw_spec(P("vid", "20"), P("key", "20"), RES_OK), &e), 0);

	/* DeleteSlice */
	CU_ASSERT_EQUAL(mgr_plan_delete_slice(&reg, "s", &sl, &e), 0);
	CU_ASSERT_PTR_NULL(sl);
	commit(&reg, "s", NULL);
	CU_ASSERT_EQUAL(mgr_plan_delete_slice(&reg, "s", &sl, &e), -1);
	CU_ASSERT_EQUAL(e.code, MGR_SEARCHFAILED);
	mgr_reg_clear(&reg);
}

/* A slice written to SQLite and read back is the same slice; delete removes it all. */
/*
 * performanceIsolation (docs/isolation.md): shaping puts the link's bandwidth and burst
 * into its gw-core endpoints with the port's rate from port_capacity; wfq its
 * bandwidth as the reservation; an IPsec link cannot be shaped; shaping without
 * port_capacity is UNSUPPORTED.
 */
static void
test_isolation_plan(void)
{
	static const char *const vl1[] = { "VL1" };
	struct mgr_reg reg = { 0 };
	struct mgr_slice *sl = NULL;
	const struct mgr_ep *ep;
	struct mgr_err e;

	CU_ASSERT_EQUAL_FATAL(create(&reg, "sh", agw_spec(P("vid", "44"), P("key", "5"),
							  RES_OK R("performanceIsolation", "shaping")
							  R("burstSize", "50000")), &e), 0);
	ep = ep_of(&reg, "sh", "VL1", "net");
	CU_ASSERT_EQUAL(ep->shape_bps, 100000000);
	CU_ASSERT_EQUAL(ep->shape_burst, 50000);
	CU_ASSERT_EQUAL(ep->port_rate_bps, conf.port_capacity_bps);
	CU_ASSERT_EQUAL(ep->police_bps, 0);
	CU_ASSERT_EQUAL(ep->wfq_bps, 0);
	CU_ASSERT_EQUAL(mgr_plan_transition(&reg, "sh", vl1, 1, MGR_EXECUTED, &sl, &e), 0);
	mgr_slice_free(sl);
	sl = NULL;

	CU_ASSERT_EQUAL_FATAL(create(&reg, "wq", agw_spec(P("vid", "45"), P("key", "6"),
							  RES_OK R("performanceIsolation", "wfq")), &e), 0);
	ep = ep_of(&reg, "wq", "VL1", "term");
	CU_ASSERT_EQUAL(ep->wfq_bps, 100000000);
	CU_ASSERT_EQUAL(ep->shape_bps, 0);
	CU_ASSERT_EQUAL(ep->port_rate_bps, conf.port_capacity_bps);
	CU_ASSERT_EQUAL(mgr_plan_transition(&reg, "wq", vl1, 1, MGR_EXECUTED, &sl, &e), 0);
	mgr_slice_free(sl);

	CU_ASSERT_EQUAL(create(&reg, "ip", agw_spec(P("type", "ipsec") P("pool", "10.9.0.0/24")
						    P("address", "10.9.0.1"), P("key", "7"),
						    RES_OK R("performanceIsolation", "shaping")), &e),
			MGR_UNSUPPORTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "policed, not shaped"));
	conf.port_capacity_bps = 0;
	CU_ASSERT_EQUAL(create(&reg, "nc", agw_spec(P("vid", "46"), P("key", "8"),
						    RES_OK R("performanceIsolation", "shaping")), &e),
			MGR_UNSUPPORTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "port_capacity"));
	conf.port_capacity_bps = 1000000000ull;
	CU_ASSERT_PTR_NULL(mgr_reg_find(&reg, "ip"));
	CU_ASSERT_PTR_NULL(mgr_reg_find(&reg, "nc"));
	mgr_reg_clear(&reg);
}

static void
test_store_roundtrip(void)
{
	char path[] = "/tmp/agw-unit-store-XXXXXX", db[64];
	struct mgr_reg reg = { 0 }, back = { 0 };
	struct mgr_store *st;
	struct mgr_err e;
	const struct mgr_slice *a, *b;
	struct mgr_slice *f4;
	char *fig4 = slurp("etc/specs/seed001-fig4.xml");
	unsigned int i;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	unlink(path);
	snprintf(db, sizeof(db), "%s.db", path);
	st = mgr_store_open(db, &e);
	CU_ASSERT_FATAL(st != NULL);
	conf.port_capacity_bps = 10000000000ull;   /* Figure 4's link takes 1G, the whole default */
	CU_ASSERT_EQUAL_FATAL(create(&reg, "fig4", fig4, &e), 0);
	if (create(&reg, "s2", agw_spec(P("vid", "42"), "", RES_OK), &e) != 0)
		fprintf(stderr, "\n  s2: %s\n", e.msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mgr_reg_find(&reg, "s2"));
	CU_ASSERT_EQUAL_FATAL(create(&reg, "s4", agw_spec(P("type", "trailer") P("app", "100-199")
							   P("terminal", "7") P("terminal_key", KEY16),
							   P("key", "2"), RES_OK), &e), 0);
	CU_ASSERT_EQUAL_FATAL(create(&reg, "s5", agw_spec(P("type", "trailer") P("app", "200")
							   P("terminal", "7") P("reappend", "yes"),
							   P("key", "3"), RES_OK), &e), 0);
	/* policing: each of the link's gw-core endpoints carries the contract */
	CU_ASSERT_EQUAL_FATAL(create(&reg, "s6", agw_spec(P("vid", "43"), P("key", "4"),
							   RES_OK R("performanceIsolation", "policing")
							   R("burstSize", "20000")), &e), 0);
	CU_ASSERT_EQUAL(ep_of(&reg, "s6", "VL1", "term")->police_bps, 100000000);
	CU_ASSERT_EQUAL(ep_of(&reg, "s6", "VL1", "net")->police_burst, 20000);
	CU_ASSERT_EQUAL(ep_of(&reg, "s2", "VL1", "term")->police_bps, 0);
	snprintf(reg.slices[1]->owner, MGR_NAME_MAX, "gk-a");   /* schema 2: the creator */
	for (i = 0; i < reg.n; i++)
		CU_ASSERT_EQUAL(mgr_store_put(st, reg.slices[i], &e), 0);
	CU_ASSERT_EQUAL(mgr_store_put(st, reg.slices[0], &e), 0);   /* replace: no duplicate */
	/* a sliver's state changed and another gone: the rows are rewritten in place and the
	   gone one's deleted (mgr_store_put()'s upsert) */
	f4 = reg.slices[0];
	CU_ASSERT_STRING_EQUAL_FATAL(f4->id, "fig4");
	CU_ASSERT_EQUAL_FATAL(f4->n_slivers, 3);
	CU_ASSERT_STRING_EQUAL(f4->slivers[2].name, "VN1");
	f4->slivers[0].state = f4->slivers[0].state == MGR_CREATED ? MGR_EXECUTED : MGR_CREATED;
	{
		/* a state change alone rewrites its rows' pages only: at most 4 WAL frames
		   (page and frame header), where deleting and inserting the rows wrote 10 */
		char wal[sizeof(db) + 8];
		struct stat w0, w1;

		snprintf(wal, sizeof(wal), "%s-wal", db);
		CU_ASSERT_FATAL(stat(wal, &w0) == 0);
		CU_ASSERT_EQUAL(mgr_store_put(st, f4, &e), 0);
		CU_ASSERT_FATAL(stat(wal, &w1) == 0);
		CU_ASSERT(w1.st_size - w0.st_size <= 4 * (4096 + 24));
		if (w1.st_size - w0.st_size > 4 * (4096 + 24))
			printf("\n    state change: %lld WAL bytes\n", (long long)(w1.st_size - w0.st_size));
	}
	f4->n_slivers = 2;
	CU_ASSERT_EQUAL(mgr_store_put(st, f4, &e), 0);
	mgr_store_close(st);

	st = mgr_store_open(db, &e);
	CU_ASSERT_FATAL(st != NULL);
	CU_ASSERT_EQUAL_FATAL(mgr_store_load(st, &back, &e), 0);
	CU_ASSERT_EQUAL_FATAL(back.n, 5);
	for (i = 0; i < reg.n; i++) {
		unsigned int k;

		a = reg.slices[i];
		b = mgr_reg_find(&back, a->id);
		CU_ASSERT_FATAL(b != NULL);
		CU_ASSERT_STRING_EQUAL(a->spec_class, b->spec_class);
		CU_ASSERT_STRING_EQUAL(a->owner, b->owner);
		CU_ASSERT_EQUAL(a->created, b->created);
		CU_ASSERT_EQUAL_FATAL(a->n_binds, b->n_binds);
		CU_ASSERT(memcmp(a->binds, b->binds, a->n_binds * sizeof(*a->binds)) == 0);
		CU_ASSERT_EQUAL_FATAL(a->n_slivers, b->n_slivers);
		for (k = 0; k < a->n_slivers; k++) {
			struct json_object *ja = mgr_sliver_to_json(&a->slivers[k]);
			struct json_object *jb = mgr_sliver_to_json(&b->slivers[k]);

			CU_ASSERT_STRING_EQUAL(json_object_to_json_string(ja),
					       json_object_to_json_string(jb));
			json_object_put(ja);
			json_object_put(jb);
		}
	}
	CU_ASSERT_EQUAL(ep_of(&back, "s2", "VL1", "term")->vid, 42);
	CU_ASSERT_EQUAL(ep_of(&back, "s4", "VL1", "term")->type, MGR_EP_TRAILER);
	CU_ASSERT_STRING_EQUAL(ep_of(&back, "s4", "VL1", "term")->trl_key, KEY16);
	CU_ASSERT_TRUE(ep_of(&back, "s4", "VL1", "term")->trl_key_required);
	CU_ASSERT_FALSE(ep_of(&back, "s4", "VL1", "term")->trl_reappend);
	CU_ASSERT_TRUE(ep_of(&back, "s5", "VL1", "term")->trl_reappend);
	{
		struct stat sb;

		CU_ASSERT(stat(db, &sb) == 0 && (sb.st_mode & 077) == 0);   /* it holds keys */
	}
	CU_ASSERT_EQUAL(ep_of(&back, "s4", "VL1", "term")->trl_terminal, 7);
	CU_ASSERT_EQUAL(ep_of(&back, "s4", "VL1", "term")->trl_app_lo, 100);
	CU_ASSERT_EQUAL(ep_of(&back, "s4", "VL1", "term")->trl_app_hi, 199);
	CU_ASSERT_EQUAL(ep_of(&back, "fig4", "VL5", "e2")->key, 5000);
	CU_ASSERT_EQUAL(ep_of(&back, "s6", "VL1", "net")->police_bps, 100000000);
	CU_ASSERT_EQUAL(ep_of(&back, "s6", "VL1", "net")->police_burst, 20000);
	/* a planned Add on the reloaded registry sees the reloaded allocations */
	CU_ASSERT_EQUAL(create(&back, "s3", agw_spec(P("vid", "42"), "", RES_OK), &e),
			MGR_VLAN_UNAVAILABLE);
	CU_ASSERT_EQUAL(mgr_reg_find(&back, "fig4")->n_slivers, 2);
	CU_ASSERT_EQUAL(mgr_reg_find(&back, "fig4")->slivers[0].state, f4->slivers[0].state);
	f4->n_slivers = 3;   /* VN1 is freed with the registry */
	CU_ASSERT_EQUAL(mgr_store_del(st, "fig4", &e), 0);
	mgr_reg_clear(&back);
	CU_ASSERT_EQUAL(mgr_store_load(st, &back, &e), 0);
	CU_ASSERT_EQUAL(back.n, 4);
	CU_ASSERT_PTR_NULL(mgr_reg_find(&back, "fig4"));
	{
		/* a put that fails half-way (a trigger, added by another connection, refuses
		   one sliver row) leaves nothing of that slice, names the step, and the store's
		   statements (prepared once) still work after it */
		struct mgr_slice *x = mgr_slice_dup(mgr_reg_find(&back, "s2"));
		sqlite3 *raw = NULL;

		CU_ASSERT_FATAL(x != NULL && x->n_slivers >= 1);
		CU_ASSERT_FATAL(sqlite3_open(db, &raw) == SQLITE_OK);
		CU_ASSERT_FATAL(sqlite3_exec(raw, "CREATE TRIGGER refuse BEFORE INSERT ON slivers "
					     "WHEN NEW.name = 'boom' BEGIN SELECT RAISE(ABORT, "
					     "'refused'); END", NULL, NULL, NULL) == SQLITE_OK);
		sqlite3_close(raw);
		snprintf(x->id, sizeof(x->id), "s9");
		snprintf(x->slivers[x->n_slivers - 1].name, MGR_NAME_MAX, "boom");
		CU_ASSERT_EQUAL(mgr_store_put(st, x, &e), -1);
		CU_ASSERT_EQUAL(e.code, MGR_DBERROR);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "insert sliver"));
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "refused"));
		mgr_reg_clear(&back);
		CU_ASSERT_EQUAL(mgr_store_load(st, &back, &e), 0);
		CU_ASSERT_EQUAL(back.n, 4);
		CU_ASSERT_PTR_NULL(mgr_reg_find(&back, "s9"));
		snprintf(x->slivers[x->n_slivers - 1].name, MGR_NAME_MAX, "VL9");
		CU_ASSERT_EQUAL(mgr_store_put(st, x, &e), 0);
		CU_ASSERT_EQUAL(mgr_store_del(st, "s2", &e), 0);
		mgr_reg_clear(&back);
		CU_ASSERT_EQUAL(mgr_store_load(st, &back, &e), 0);
		CU_ASSERT_EQUAL(back.n, 4);
		CU_ASSERT_PTR_NULL(mgr_reg_find(&back, "s2"));
		CU_ASSERT_PTR_NOT_NULL(mgr_reg_find(&back, "s9"));
		if (mgr_reg_find(&back, "s9") != NULL)
			CU_ASSERT_EQUAL(mgr_reg_find(&back, "s9")->n_slivers, x->n_slivers);
		mgr_slice_free(x);
	}
	mgr_store_close(st);
	/* a path that cannot be opened is a DBERROR naming it */
	CU_ASSERT_PTR_NULL(mgr_store_open("/nonexistent-dir/x.db", &e));
	CU_ASSERT_EQUAL(e.code, MGR_DBERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "/nonexistent-dir/x.db"));
	mgr_reg_clear(&back);
	mgr_reg_clear(&reg);
	conf.port_capacity_bps = 1000000000ull;
	free(fig4);
	unlink(db);
	strcat(db, "-wal");
	unlink(db);
	strcpy(db + strlen(db) - 3, "shm");
	unlink(db);
}

/* Does the status JSON of 'ep' (what Status shows) contain 'needle'? */
static bool
ep_json_has(const struct mgr_ep *ep, const char *needle)
{
	struct json_object *j = json_object_new_object();
	bool has;

	mgr_ep_to_json(j, ep);
	has = strstr(json_object_to_json_string(j), needle) != NULL;
	json_object_put(j);
	return has;
}

/* Trailer vports: what a spec names, and which (terminal, apps) may coexist on a port;
 * terminal keys: one per terminal, kept by the store, never in the status JSON. */
static void
test_trailer_vports(void)
{
	struct mgr_reg reg = { 0 };
	const struct mgr_ep *ep;
	struct mgr_err e;

	CU_ASSERT_EQUAL_FATAL(create(&reg, "t1", agw_spec(P("type", "trailer") P("app", "100-199")
							   P("terminal", "7"), P("key", "1"),
							   RES_OK), &e), 0);
	ep = ep_of(&reg, "t1", "VL1", "term");
	CU_ASSERT_FATAL(ep != NULL);
	CU_ASSERT_EQUAL(ep->type, MGR_EP_TRAILER);
	CU_ASSERT_STRING_EQUAL(ep->port, "access");
	CU_ASSERT_EQUAL(ep->trl_terminal, 7);
	CU_ASSERT_EQUAL(ep->trl_app_lo, 100);
	CU_ASSERT_EQUAL(ep->trl_app_hi, 199);
	/* the same terminal's apps again: refused, nothing changes */
	CU_ASSERT_EQUAL(create(&reg, "t2", agw_spec(P("type", "trailer") P("app", "150")
						    P("terminal", "7"), P("key", "2"), RES_OK), &e),
			MGR_ALREADYEXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "overlap slice 't1' link 'VL1' vport 'term'"));
	CU_ASSERT_EQUAL(reg.n, 1);
	/* any terminal, or another terminal, may take the same apps */
	CU_ASSERT_EQUAL(create(&reg, "t3", agw_spec(P("type", "trailer") P("app", "150"),
						    P("key", "3"), RES_OK), &e), 0);
	CU_ASSERT_EQUAL(create(&reg, "t4", agw_spec(P("type", "trailer") P("app", "150")
						    P("terminal", "8"), P("key", "4"), RES_OK), &e), 0);
	CU_ASSERT_EQUAL(ep_of(&reg, "t3", "VL1", "term")->trl_terminal, 0);
	CU_ASSERT_EQUAL(reg.n, 3);

	/* terminal 9 with a key (upper-case hex is stored lower-case), optional tag */
	CU_ASSERT_EQUAL_FATAL(create(&reg, "k1", agw_spec(P("type", "trailer") P("app", "300")
							   P("terminal", "9")
							   P("terminal_key", "000102030405060708090A0B0C0D0E0F")
							   P("auth", "optional"), P("key", "5"), RES_OK),
				     &e), 0);
	ep = ep_of(&reg, "k1", "VL1", "term");
	CU_ASSERT_STRING_EQUAL(ep->trl_key, KEY16);
	CU_ASSERT_FALSE(ep->trl_key_required);
	CU_ASSERT_FALSE(ep_json_has(ep, "0102030405"));
	CU_ASSERT(ep_json_has(ep, "set (tag optional)"));
	/* another slice giving terminal 9 another key, or the same key required: refused */
	CU_ASSERT_EQUAL(create(&reg, "k2", agw_spec(P("type", "trailer") P("app", "301")
						    P("terminal", "9")
						    P("terminal_key", "ff0102030405060708090a0b0c0d0e0f"),
						    P("key", "6"), RES_OK), &e), MGR_ALREADYEXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "terminal 9 already has another key"));
	CU_ASSERT_EQUAL(create(&reg, "k2", agw_spec(P("type", "trailer") P("app", "301")
						    P("terminal", "9") P("terminal_key", KEY16),
						    P("key", "6"), RES_OK), &e), MGR_ALREADYEXISTS);
	/* the same key and setting: accepted (one key, two slices) */
	CU_ASSERT_EQUAL(create(&reg, "k2", agw_spec(P("type", "trailer") P("app", "301")
						    P("terminal", "9") P("terminal_key", KEY16)
						    P("auth", "optional"), P("key", "6"), RES_OK), &e), 0);
	CU_ASSERT_EQUAL(reg.n, 5);
	mgr_reg_clear(&reg);
}

/* IPsec vports: pool/address/gateway, terminals with PSKs (never in the status JSON),
 * one IKE identity per IPsec link on the AGW, and every refusal leaving nothing. */
#define PSK1 "psk:a-long-enough-secret-1"
static void
test_ipsec_vports(void)
{
	struct mgr_reg reg = { 0 };
	const struct mgr_ep *ep;
	struct mgr_err e;
	static const struct {
		const char *term;
		int code;
		const char *msg;
	} bad[] = {
		{ P("type", "ipsec") P("address", "10.1.0.1"), MGR_BADARGS, "needs param 'pool'" },
		{ P("type", "ipsec") P("pool", "10.1.0.200/26") P("address", "10.1.0.1"),
		  MGR_BADARGS, "host bits set (the prefix starts at 10.1.0.192)" },
		{ P("type", "ipsec") P("pool", "10.1.0.192/33") P("address", "10.1.0.1"),
		  MGR_BADARGS, "a.b.c.d/8-32" },
		{ P("type", "ipsec") P("pool", "10.1.0.192/26"), MGR_BADARGS,
		  "needs param 'address'" },
		{ P("type", "ipsec") P("pool", "10.1.0.192/26") P("address", "10.1.0.200"),
		  MGR_BADARGS, "inside the terminals' pool" },
		{ P("type", "ipsec") P("pool", "10.1.0.192/26") P("address", "10.1.0.1")
		  P("gateway", "10.1.0"), MGR_BADARGS, "gateway '10.1.0'" },
		{ P("type", "ipsec") P("pool", "10.1.0.192/26") P("address", "10.1.0.1")
		  P("terminal:alice@s1", "psk:short"), MGR_BADARGS, "16 to 256 characters" },
		{ P("type", "ipsec") P("pool", "10.1.0.192/26") P("address", "10.1.0.1")
		  P("terminal:alice@s1", "x509"), MGR_BADARGS, "psk:SECRET or pubkey" },
		{ P("type", "ipsec") P("pool", "10.1.0.192/26") P("address", "10.1.0.1")
		  P("terminal:al ice", PSK1), MGR_BADARGS, "an IKE identity" },
		{ P("type", "vlan") P("pool", "10.1.0.192/26"), MGR_BADARGS,
		  "pool/address/gateway/terminal:ID on a vlan endpoint" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = create(&reg, "i0", agw_spec(bad[i].term, P("key", "1"), RES_OK), &e);

		CU_ASSERT_EQUAL(rc, bad[i].code);
		expect_msg(i, e.msg, bad[i].msg);
		CU_ASSERT_EQUAL(reg.n, 0);
	}
	/* ipsec on the network side: refused */
	CU_ASSERT_EQUAL(create(&reg, "i0", agw_spec(P("type", "vlan"), P("type", "ipsec")
						    P("pool", "10.1.0.192/26") P("address", "10.1.0.1"),
						    RES_OK), &e), MGR_BADARGS);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "bound to the terminals' node sliver"));

	CU_ASSERT_EQUAL_FATAL(create(&reg, "i1", agw_spec(P("type", "ipsec")
							   P("pool", "10.1.0.192/26")
							   P("address", "10.1.0.1")
							   P("gateway", "10.1.0.254")
							   P("terminal:alice@s1", PSK1)
							   P("terminal:bob@s1", "psk:another-long-secret"),
							   P("key", "1"), RES_OK), &e), 0);
	ep = ep_of(&reg, "i1", "VL1", "term");
	CU_ASSERT_FATAL(ep != NULL);
	CU_ASSERT_EQUAL(ep->type, MGR_EP_IPSEC);
	CU_ASSERT_EQUAL(ep->role, MGR_ROLE_TERMINAL);
	CU_ASSERT_STRING_EQUAL(ep->port, "access");
	CU_ASSERT_STRING_EQUAL(ep->ipsec_pool, "10.1.0.192/26");
	CU_ASSERT_STRING_EQUAL(ep->ipsec_addr, "10.1.0.1");
	CU_ASSERT_STRING_EQUAL(ep->ipsec_gateway, "10.1.0.254");
	CU_ASSERT_EQUAL(ep->ipsec_terminals, 2);
	CU_ASSERT(mgr_ep_in_gwc(ep->type));
	CU_ASSERT_STRING_EQUAL(mgr_ep_type_name(ep->type), "ipsec");
	CU_ASSERT_FALSE(ep_json_has(ep, "secret"));
	CU_ASSERT(ep_json_has(ep, "\"terminals\": 2"));
	CU_ASSERT(ep_json_has(ep, "\"pool\": \"10.1.0.192\\/26\""));
	/* the same pool in another slice is fine; the same terminal is not */
	CU_ASSERT_EQUAL(create(&reg, "i2", agw_spec(P("type", "ipsec") P("pool", "10.1.0.192/26")
						    P("address", "10.1.0.1")
						    P("terminal:bob@s1", "psk:bobs-other-long-secret"),
						    P("key", "2"), RES_OK), &e), MGR_ALREADYEXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "'bob@s1' is already admitted by slice 'i1' "
					     "linkSliver 'VL1' vport 'term'"));
	CU_ASSERT_EQUAL(reg.n, 1);
	CU_ASSERT_EQUAL(create(&reg, "i2", agw_spec(P("type", "ipsec") P("pool", "10.1.0.192/26")
						    P("address", "10.1.0.1")
						    P("terminal:carol@s2", "psk:carols-long-secret"),
						    P("key", "2"), RES_OK), &e), 0);
	CU_ASSERT_EQUAL(reg.n, 2);
	mgr_reg_clear(&reg);
}

/* Plan AddTerminal (auth) / RemoveTerminal (NULL) and commit it. @return fault code. */
static int
terminal(struct mgr_reg *reg, const char *id, const char *link, const char *vport,
	 const char *t, const char *auth, struct mgr_err *e)
{
	struct mgr_slice *sl;

	memset(e, 0, sizeof(*e));
	if (mgr_plan_terminal(reg, &conf, id, link, vport, t, auth, &sl, e) != 0)
		return e->code;
	commit(reg, id, sl);
	return 0;
}

/* AddTerminal / RemoveTerminal, and what charon gets (mgr_charon_items). */
static void
test_ipsec_terminals(void)
{
	struct mgr_reg reg = { 0 };
	struct mgr_slice *sl;
	struct mgr_charon_item *it;
	struct mgr_err e;
	int n, rc;

	CU_ASSERT_EQUAL_FATAL(create(&reg, "s1", agw_spec(P("type", "ipsec")
							   P("pool", "10.1.0.192/26")
							   P("address", "10.1.0.1")
							   P("terminal:alice@s1", PSK1),
							   P("key", "1"), RES_OK), &e), 0);
	CU_ASSERT_EQUAL_FATAL(create(&reg, "s2", agw_spec(P("type", "ipsec")
							   P("pool", "10.1.0.192/26")
							   P("address", "10.1.0.1"),
							   P("key", "2"), RES_OK), &e), 0);
	/* created: nothing for charon yet */
	CU_ASSERT_EQUAL(mgr_charon_items(mgr_reg_find(&reg, "s1"), &it), 0);
	CU_ASSERT_PTR_NULL(it);
	rc = mgr_plan_transition(&reg, "s1", NULL, 0, MGR_EXECUTED, &sl, &e);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	commit(&reg, "s1", sl);

	/* refusals change nothing */
#define ADD(id, link, vp, t, a) terminal(&reg, id, link, vp, t, a, &e)
	CU_ASSERT_EQUAL(ADD("s9", "VL1", "term", "bob@s1", PSK1), MGR_SEARCHFAILED);
	CU_ASSERT_EQUAL(ADD("s1", "VL9", "term", "bob@s1", PSK1), MGR_SEARCHFAILED);
	CU_ASSERT_EQUAL(ADD("s1", "terminals", "p0", "bob@s1", PSK1), MGR_SEARCHFAILED);
	CU_ASSERT_EQUAL(ADD("s1", "VL1", "nope", "bob@s1", PSK1), MGR_SEARCHFAILED);
	CU_ASSERT_EQUAL(ADD("s1", "VL1", "net", "bob@s1", PSK1), MGR_BADARGS);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "is a gre endpoint"));
	CU_ASSERT_EQUAL(ADD("s1", "VL1", "term", "bob s1", PSK1), MGR_BADARGS);
	CU_ASSERT_EQUAL(ADD("s1", "VL1", "term", "bob@s1", "psk:short"), MGR_BADARGS);
	CU_ASSERT_EQUAL(ADD("s1", "VL1", "term", "bob@s1", "cert"), MGR_BADARGS);
	CU_ASSERT_EQUAL(ADD("s1", "VL1", "term", "alice@s1", PSK1), MGR_ALREADYEXISTS);
	CU_ASSERT_EQUAL(ADD("s2", "VL1", "term", "alice@s1", PSK1), MGR_ALREADYEXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "already admitted by slice 's1'"));
	CU_ASSERT_EQUAL(ADD("s1", "VL1", "term", "bob@s1", NULL), MGR_SEARCHFAILED);
	CU_ASSERT_EQUAL(ep_of(&reg, "s1", "VL1", "term")->ipsec_terminals, 1);

	CU_ASSERT_EQUAL(ADD("s1", "VL1", "term", "bob@s1", "psk:bobs-long-secret"), 0);
	CU_ASSERT_EQUAL(ep_of(&reg, "s1", "VL1", "term")->ipsec_terminals, 2);
	CU_ASSERT_EQUAL(ADD("s1", "VL1", "term", "dave@s1", "pubkey"), 0);
	CU_ASSERT_EQUAL(ep_of(&reg, "s1", "VL1", "term")->ipsec_terminals, 3);
	CU_ASSERT_EQUAL(ADD("s2", "VL1", "term", "carol@s2", "psk:carols-long-secret"), 0);

	/* running s1: its pool, then per PSK terminal a key, then per terminal a connection */
	n = mgr_charon_items(mgr_reg_find(&reg, "s1"), &it);
	CU_ASSERT_EQUAL_FATAL(n, 6);
	CU_ASSERT_EQUAL(it[0].kind, MGR_IKE_POOL);
	CU_ASSERT_STRING_EQUAL(it[0].name, "s1/VL1.term");
	CU_ASSERT_STRING_EQUAL(it[0].pool, "10.1.0.192/26");
	CU_ASSERT_EQUAL(it[1].kind, MGR_IKE_SECRET);
	CU_ASSERT_STRING_EQUAL(it[1].name, "s1/VL1.term/alice@s1");
	CU_ASSERT_STRING_EQUAL(it[1].id, "alice@s1");
	CU_ASSERT_STRING_EQUAL(it[1].psk, PSK1 + 4);
	CU_ASSERT_EQUAL(it[2].kind, MGR_IKE_SECRET);
	CU_ASSERT_STRING_EQUAL(it[2].psk, "bobs-long-secret");
	CU_ASSERT_EQUAL(it[3].kind, MGR_IKE_CONN);
	CU_ASSERT_STRING_EQUAL(it[3].name, "s1/VL1.term/alice@s1");
	CU_ASSERT_STRING_EQUAL(it[3].pool, "s1/VL1.term");
	CU_ASSERT_STRING_EQUAL(it[3].id, "alice@s1");
	CU_ASSERT(!it[3].pubkey);
	CU_ASSERT_STRING_EQUAL(it[4].name, "s1/VL1.term/bob@s1");
	CU_ASSERT_EQUAL(it[5].kind, MGR_IKE_CONN);
	CU_ASSERT_STRING_EQUAL(it[5].name, "s1/VL1.term/dave@s1");
	CU_ASSERT_STRING_EQUAL(it[5].id, "dave@s1");
	CU_ASSERT(it[5].pubkey && it[5].psk == NULL);
	free(it);
	/* s2 is not running: no items */
	CU_ASSERT_EQUAL(mgr_charon_items(mgr_reg_find(&reg, "s2"), &it), 0);

	CU_ASSERT_EQUAL(ADD("s1", "VL1", "term", "alice@s1", NULL), 0);
	CU_ASSERT_EQUAL(ep_of(&reg, "s1", "VL1", "term")->ipsec_terminals, 2);
	n = mgr_charon_items(mgr_reg_find(&reg, "s1"), &it);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	CU_ASSERT_STRING_EQUAL(it[2].name, "s1/VL1.term/bob@s1");
	free(it);
	/* the identity is free again */
	CU_ASSERT_EQUAL(ADD("s2", "VL1", "term", "alice@s1", PSK1), 0);
#undef ADD
	mgr_reg_clear(&reg);
}

/*
 * The registry's account, kept as slices are committed (mgr_alloc_commit()), decides
 * as accounting every stored slice anew for each request did: 400 random CreateSlice
 * (VIDs and GRE keys given or allocated, bandwidth against port_capacity) and
 * DeleteSlice on two registries, one planning through its account, the other with its
 * account dropped after every commit (so every stored slice is accounted again);
 * every outcome, fault message, allocated VID and key is the same.
 */
static void
test_account_incremental(void)
{
	static const char *const bws[] = { "50M", "100M", "400M" };
	struct mgr_reg a = { 0 }, b = { 0 };
	struct mgr_err ea, eb;
	char id[16], term[64], net[64], res[160], *xml;
	unsigned int step, ok = 0, refused = 0;

	srand48(24);
	for (step = 0; step < 400; step++) {
		int ra, rb;

		snprintf(id, sizeof(id), "s%ld", lrand48() % 12);
		if (lrand48() % 3 == 0) {
			CU_ASSERT_EQUAL(mgr_reg_commit(&a, id, NULL), 0);
			CU_ASSERT_EQUAL(mgr_reg_commit(&b, id, NULL), 0);
			mgr_alloc_free(b.acct);
			b.acct = NULL;
			continue;
		}
		term[0] = net[0] = '\0';
		if (lrand48() % 3 != 0)
			snprintf(term, sizeof(term), P("vid", "%ld"), 100 + lrand48() % 12);
		if (lrand48() % 3 != 0)
			snprintf(net, sizeof(net), P("key", "%ld"), 5000 + lrand48() % 12);
		snprintf(res, sizeof(res), R("bandwidth", "%s") R("protocol", "802.3,802.1Q,IPv4,GRE"),
			 bws[lrand48() % 3]);
		xml = strdup(agw_spec(term, net, res));
		CU_ASSERT_FATAL(xml != NULL);
		ra = create(&a, id, xml, &ea);
		rb = create(&b, id, xml, &eb);
		free(xml);
		mgr_alloc_free(b.acct);
		b.acct = NULL;
		CU_ASSERT_EQUAL(ra, rb);
		if (ra != rb || strcmp(ea.msg, eb.msg) != 0) {
			fprintf(stderr, "step %u: '%s' vs '%s'\n", step, ea.msg, eb.msg);
			CU_FAIL("the account decided otherwise");
			break;
		}
		if (ra == 0) {
			ok++;
			CU_ASSERT_EQUAL(ep_of(&a, id, "VL1", "term")->vid,
					ep_of(&b, id, "VL1", "term")->vid);
			CU_ASSERT_EQUAL(ep_of(&a, id, "VL1", "net")->key,
					ep_of(&b, id, "VL1", "net")->key);
		} else {
			refused++;
		}
	}
	if (ok <= 50 || refused <= 50)
		fprintf(stderr, "%u created, %u refused\n", ok, refused);
	CU_ASSERT(ok > 50 && refused > 50);
	mgr_reg_clear(&a);
	mgr_reg_clear(&b);
}

int
test_mgr_model_register(void)
{
	CU_pSuite s = CU_add_suite("mgr_model", NULL, NULL);

	if (s == NULL)
		return -1;
	CU_add_test(s, "seed 001 Figure 4 as printed", test_fig4_as_printed);
	CU_add_test(s, "the registry's account decides as accounting every slice did",
		    test_account_incremental);
	CU_add_test(s, "slicespec/sllicespec, slivername/slivename", test_spellings);
	CU_add_test(s, "the AGW example spec", test_agw_example);
	CU_add_test(s, "every malformed case: its fault, no change", test_malformed);
	CU_add_test(s, "VID and GRE key allocation", test_allocation);
	CU_add_test(s, "trailer vports: params, overlap", test_trailer_vports);
	CU_add_test(s, "ipsec vports: pool, address, terminals", test_ipsec_vports);
	CU_add_test(s, "ipsec terminals: add, remove, charon's items", test_ipsec_terminals);
	CU_add_test(s, "seed 000 state transitions", test_states);
	CU_add_test(s, "SQLite store round trip", test_store_roundtrip);
	CU_add_test(s, "isolation: shaping and wfq planned, shaped IPsec refused",
		    test_isolation_plan);
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the slice-spec path of the manager: the XML gate (mgr_xml.c),
 * the parser (mgr_spec.c) and the planner (mgr_plan.c with every endpoint type of
 * mgr_ep_*.c and the allocator). For any input:
 *  - parsing either succeeds or fails with a documented fault code and a message;
 *  - a parsed spec is planned as a new slice and as an Add to an existing one (the AGW
 *    example, running); each plan either succeeds or fails the same way, and leaves
 *    the registry as it was (its JSON form is compared);
 *  - nothing leaks (LeakSanitizer) and nothing reads or writes out of bounds (ASan).
 * Seeds: etc/specs/ and tests/fuzz/spec-seeds/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mgr.h"
#include "mgr_store.h"

static const char *const ports[] = { "access", "core", "acc2", NULL };
static const struct mgr_plan_conf conf = {
	.uplink_port = "core", .access_port = "access",
	.vid_min = 100, .vid_max = 120, .key_min = 5000, .key_max = 5010,
	.gre_remote = "198.51.100.2", .port_capacity_bps = 10000000000ull, .ports = ports,
};

static struct mgr_reg reg;

static void
check_fault(const char *what, const struct mgr_err *e)
{
	if (!mgr_fault_known(e->code) || e->msg[0] == '\0') {
		fprintf(stderr, "%s: fault %d '%s' is not documented or says nothing\n", what,
			e->code, e->msg);
		abort();
	}
}

/* The registry as JSON text (malloc'd), to see that a plan changed nothing. */
static char *
reg_text(void)
{
	struct json_object *a = json_object_new_array();
	unsigned int i, k;
	char *s;

	for (i = 0; i < reg.n; i++)
		for (k = 0; k < reg.slices[i]->n_slivers; k++)
			json_object_array_add(a, mgr_sliver_to_json(&reg.slices[i]->slivers[k]));
	s = strdup(json_object_to_json_string(a));
	json_object_put(a);
	return s;
}

/* A running slice "base" from the AGW example spec, to plan against. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char base[] =
		"<slice-design><slicespec class=\"AGW_slice\"><sliverdef><linkSlivers>"
		"<linkSliver name=\"VL1\"><vports>"
		"<vport name=\"term\"><params><param key=\"type\" value=\"vlan\"/>"
		"<param key=\"port\" value=\"access\"/><param key=\"vid\" value=\"10\"/>"
		"</params></vport>"
		"<vport name=\"net\"><params><param key=\"type\" value=\"gre\"/>"
		"<param key=\"port\" value=\"core\"/><param key=\"key\" value=\"7001\"/>"
		"</params></vport></vports>"
		"<resources><resource key=\"bandwidth\" value=\"100M\"/>"
		"<resource key=\"protocol\" value=\"802.3,802.1Q,IPv4,GRE\"/></resources>"
		"</linkSliver></linkSlivers><nodeSlivers>"
		"<nodeSliver name=\"terminals\"><vports><vport name=\"p0\"/></vports>"
		"<instance type=\"Terminal\"/></nodeSliver>"
		"<nodeSliver name=\"core\" type=\"_super\"><vports><vport name=\"p0\"/></vports>"
		"</nodeSliver></nodeSlivers></sliverdef><structure>"
		"<bind><vport slivername=\"terminals\" portname=\"p0\"/>"
		"<vport slivername=\"VL1\" portname=\"term\"/></bind>"
		"<bind><vport slivername=\"VL1\" portname=\"net\"/>"
		"<vport slivername=\"core\" portname=\"p0\"/></bind>"
		"</structure></slicespec></slice-design>";
	struct mgr_slice spec, *want = NULL;
	struct mgr_err e = { 0 };

	(void)argc;
	(void)argv;
	if (mgr_spec_parse(base, sizeof(base) - 1, &spec, &e) != 0 ||
	    mgr_plan_create(&reg, &conf, "base", &spec, &want, &e) != 0 ||
	    mgr_reg_commit(&reg, "base", want) != 0) {
		fprintf(stderr, "fuzz_spec: the base slice: %s\n", e.msg);
		abort();
	}
	mgr_slice_clear(&spec);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mgr_slice spec, *want = NULL;
	struct mgr_err e = { 0 };
	char *before, *after;

	if (mgr_spec_parse((const char *)data, size, &spec, &e) != 0) {
		check_fault("parse", &e);
		return 0;
	}
	before = reg_text();
	memset(&e, 0, sizeof(e));
	if (mgr_plan_create(&reg, &conf, "f1", &spec, &want, &e) == 0)
		mgr_slice_free(want);
	else
		check_fault("plan create", &e);
	want = NULL;
	memset(&e, 0, sizeof(e));
	if (mgr_plan_add(&reg, &conf, "base", &spec, &want, &e) == 0)
		mgr_slice_free(want);
	else
		check_fault("plan add", &e);
	after = reg_text();
	if (strcmp(before, after) != 0) {
		fprintf(stderr, "a plan changed the registry:\n%s\n%s\n", before, after);
		abort();
	}
	free(before);
	free(after);
	mgr_slice_clear(&spec);
	return 0;
}

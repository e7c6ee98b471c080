/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit test runner: starts EAL once without NICs or hugepages (two lcores, so a
 * worker can run), registers every suite of suites.def and runs them with CUnit's
 * basic interface. Exit status: 0 only when every assertion passed.
 */
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>

#include "ppm.h"

#define SUITE(name, fn) int fn(void);
#include "suites.def"
#undef SUITE

int
main(void)
{
	struct ppm_eal_conf ec = {
		.prog_name = "unit-tests", .lcores = "0-1", .huge = PPM_HUGE_NO,
		.memory_mb = 512, .file_prefix = "agw-unit", .quiet = true,
	};
	unsigned int failed;

	if (ppm_eal_init(&ec) != 0) {
		fprintf(stderr, "unit-tests: EAL failed to start\n");
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
#define SUITE(name, fn)                                                                      \
	if (fn() != 0) {                                                                     \
		fprintf(stderr, "unit-tests: suite %s failed to register\n", #name);         \
		return 1;                                                                    \
	}
#include "suites.def"
#undef SUITE
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	rte_eal_cleanup();
	return failed == 0 ? 0 : 1;
}

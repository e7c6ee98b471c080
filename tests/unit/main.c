/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit test runner: starts EAL once without NICs or hugepages (two lcores, so a
 * worker can run), registers every suite of suites.def and runs them with CUnit's
 * basic interface. Exit status: 0 only when every assertion passed.
 *
 *   unit-tests                  every suite, EAL lcores 0-1
 *   unit-tests LCORES SUITE     one suite with EAL lcores LCORES (an EAL map such as
 *                               "(0-2)@(0-1)"); a SUITE_LCORES suite (more workers
 *                               than CPUs) runs only this way, with the lcores it names
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>

#include "ppm.h"

#define SUITE(name, fn) int fn(void);
#define SUITE_LCORES(name, fn, lcores) int fn(void);
#include "suites.def"
#undef SUITE
#undef SUITE_LCORES

int
main(int argc, char **argv)
{
	struct ppm_eal_conf ec = {
		.prog_name = "unit-tests", .lcores = argc > 1 ? argv[1] : "0-1", .huge = PPM_HUGE_NO,
		.memory_mb = 512, .file_prefix = "agw-unit", .quiet = true,
	};
	const char *only = argc > 2 ? argv[2] : NULL;
	unsigned int failed;

	if (ppm_eal_init(&ec) != 0) {
		fprintf(stderr, "unit-tests: EAL failed to start\n");
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
#define SUITE(name, fn)                                                                      \
	if ((only == NULL || strcmp(only, #name) == 0) && fn() != 0) {                       \
		fprintf(stderr, "unit-tests: suite %s failed to register\n", #name);         \
		return 1;                                                                    \
	}
	/* only when asked for by name, with its lcores (make check does) */
#define SUITE_LCORES(name, fn, lcores)                                                       \
	if (only != NULL && strcmp(only, #name) == 0 && fn() != 0) {                         \
		fprintf(stderr, "unit-tests: suite %s failed to register\n", #name);         \
		return 1;                                                                    \
	}
#include "suites.def"
#undef SUITE
#undef SUITE_LCORES
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	ppm_eal_cleanup();
	return failed == 0 ? 0 : 1;
}

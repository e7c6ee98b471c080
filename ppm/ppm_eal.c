/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL start-up for PPM: turns a ppm_eal_conf into EAL arguments, deciding at run
 * time between hugepages and --no-huge.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "ppm.h"
#include "ppm_log.h"

RTE_LOG_REGISTER(ppm_logtype, agw.ppm, INFO);

#define EAL_MAX_ARGS 128

static bool eal_done;
static bool eal_huge;
/* The EAL arguments of a successful start: EAL keeps pointers into them until
 * rte_eal_cleanup(). */
static char *eal_argv[EAL_MAX_ARGS];

static void
eal_argv_free(void)
{
	unsigned int i;

	for (i = 0; i < EAL_MAX_ARGS; i++) {
		free(eal_argv[i]);
		eal_argv[i] = NULL;
	}
}

bool
ppm_hugepages_available(void)
{
	char line[256];
	long free_pages = 0;
	bool mounted = false;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "HugePages_Free: %ld", &free_pages) == 1)
			break;
	fclose(f);
	if (free_pages <= 0)
		return false;

	f = fopen("/proc/mounts", "r");
	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, " hugetlbfs ") != NULL)
			mounted = true;
	fclose(f);
	return mounted;
}

bool
ppm_eal_uses_hugepages(void)
{
	return eal_huge;
}

bool
ppm_dev_is_pci(const char *d)
{
	unsigned int a, b, c, e;
	char tail;

	if (d == NULL)
		return false;
	if (sscanf(d, "%x:%x:%x.%x%c", &a, &b, &c, &e, &tail) >= 4 && strchr(d, '.') != NULL &&
	    isxdigit((unsigned char)d[0]))
		return true;
	if (sscanf(d, "%x:%x.%x%c", &a, &b, &c, &tail) >= 3 && strchr(d, '.') != NULL &&
	    isxdigit((unsigned char)d[0]) && strchr(d, ':') == strrchr(d, ':'))
		return true;
	return false;
}

static int
push(char **argv, int *argc, const char *s)
{
	if (*argc >= EAL_MAX_ARGS - 1)
		return -E2BIG;
	argv[*argc] = strdup(s);
	if (argv[*argc] == NULL)
		return -ENOMEM;
	(*argc)++;
	return 0;
}

int
ppm_eal_init(const struct ppm_eal_conf *c)
{
	char *argv[EAL_MAX_ARGS] = { 0 };
	char buf[64];
	bool any_pci = false;
	int argc = 0, rc = 0, i;
	unsigned int d;

	if (eal_done)
		return -EALREADY;

	eal_huge = c->huge == PPM_HUGE_YES ||
		   (c->huge == PPM_HUGE_AUTO && ppm_hugepages_available());
	if (c->huge == PPM_HUGE_YES && !ppm_hugepages_available()) {
		fprintf(stderr, "ppm: huge=yes but no hugepage is free: "
				"echo 512 > /proc/sys/vm/nr_hugepages and mount hugetlbfs\n");
		return -ENOMEM;
	}

	rc |= push(argv, &argc, c->prog_name != NULL ? c->prog_name : "ppm");
	/* a list of CPUs ("0-3", "0,2"), or lcores mapped onto CPUs ("(0-2)@(0-1)") */
	rc |= push(argv, &argc, c->lcores != NULL && strpbrk(c->lcores, "@(") != NULL ? "--lcores"
											: "-l");
	rc |= push(argv, &argc, c->lcores != NULL ? c->lcores : "0-1");
	if (!eal_huge) {
		rc |= push(argv, &argc, "--no-huge");
		snprintf(buf, sizeof(buf), "%u", c->memory_mb != 0 ? c->memory_mb : 512);
		rc |= push(argv, &argc, "-m");
		rc |= push(argv, &argc, buf);
	}
	if (c->file_prefix != NULL) {
		rc |= push(argv, &argc, "--file-prefix");
		rc |= push(argv, &argc, c->file_prefix);
	}
	if (c->quiet)
		rc |= push(argv, &argc, "--log-level=notice");
	for (d = 0; d < c->n_devs; d++) {
		bool pci = ppm_dev_is_pci(c->devs[d]);

		any_pci |= pci;
		rc |= push(argv, &argc, pci ? "-a" : "--vdev");
		rc |= push(argv, &argc, c->devs[d]);
	}
	if (!any_pci)
		rc |= push(argv, &argc, "--no-pci");
	if (c->extra_args != NULL) {
		char *copy = strdup(c->extra_args), *save = NULL, *tok;

		if (copy == NULL)
			rc = -ENOMEM;
		for (tok = copy != NULL ? strtok_r(copy, " \t", &save) : NULL; tok != NULL;
		     tok = strtok_r(NULL, " \t", &save))
			rc |= push(argv, &argc, tok);
		free(copy);
	}
	if (rc != 0) {
		fprintf(stderr, "ppm: too many or too long EAL arguments\n");
		rc = -E2BIG;
		goto out;
	}

	/* EAL permutes argv and writes into it (argv[0] again, where the options ended), and
	 * keeps pointers into the strings: eal_argv, our own copy of the pointers, keeps them
	 * until ppm_eal_cleanup(), or frees them at once when EAL refuses. */
	memcpy(eal_argv, argv, sizeof(eal_argv));
	/* DPDK 22.11's default log stream writes each line to stderr and to syslog(3): under
	 * systemd or the agw launcher, which both keep stderr, every line reached the journal
	 * twice, and without a /dev/log (containers) each line cost a failed connect(). */
	rte_openlog_stream(stderr);
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "ppm: EAL init failed%s%s: its messages above say why (a second "
			"DPDK process on this host needs its own file_prefix)\n",
			rte_errno != 0 ? ": " : "", rte_errno != 0 ? rte_strerror(rte_errno) : "");
		eal_argv_free();
		return -EINVAL;
	}
	eal_done = true;
	PPM_LOG(INFO, "EAL up: %s, lcores %s", eal_huge ? "hugepages" : "no hugepages",
		c->lcores != NULL ? c->lcores : "0-1");
	return 0;
out:
	for (i = 0; i < argc; i++)
		free(argv[i]);
	return rc;
}

void
ppm_eal_cleanup(void)
{
	if (!eal_done)
		return;
	rte_eal_cleanup();
	eal_argv_free();
	eal_done = false;
}

struct rte_mempool *
ppm_pool_create(const char *name, unsigned int n, unsigned int cache, uint16_t data_room)
{
	struct rte_mempool *mp;

	mp = rte_pktmbuf_pool_create(name, n, cache, 0, data_room, (int)rte_socket_id());
	if (mp == NULL)
		PPM_LOG(ERR, "pool %s: create (%u mbufs of %u bytes) failed: %s", name, n,
			data_room, rte_strerror(rte_errno));
	return mp;
}

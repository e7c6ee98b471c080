/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw-core process: load the config, start EAL, create ports and workers, apply the
 * static slices, listen on the control socket, and run the control thread until
 * SIGTERM or SIGINT. The only gw-core file allowed to exit().
 * Readiness (control socket listening) and stopping are also told with sd_notify(3):
 * to systemd (Type=notify) or the agw launcher; a no-op when NOTIFY_SOCKET is unset.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cfgfile.h>
#include <rte_eal.h>
#include <systemd/sd-daemon.h>

#include "gwc_log.h"

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/*
 * --check: build the whole model from 'c' as a start would — ports, pools, workers'
 * tables, every [slice] with its endpoints and static MACs — on stand-in ports
 * (net_null, no TAP, EAL in memory without hugepages), so that it neither touches the
 * NICs nor disturbs a gw-core already running with this config. What only the real
 * devices can tell (their devargs, link, MTU support) is left to the start.
 * @return the exit status: 0 valid, 1 with the reason on stderr.
 */
static int
check_config(struct gwc_conf *c, const char *path)
{
	char devs[GWC_MAX_PORTS][32], prefix[48];
	const char *dp[GWC_MAX_PORTS];
	struct ppm_eal_conf ec = {
		.prog_name = "gw-core", .lcores = c->lcores, .huge = PPM_HUGE_NO,
		.memory_mb = c->memory_mb, .extra_args = "--no-shconf --no-telemetry", .quiet = true,
		.file_prefix = prefix,
		.devs = dp, .n_devs = (unsigned int)c->n_ports,
	};
	struct gwc_err e = { "" };
	struct gwc *g;
	unsigned int slices;
	int i, rc = 1;

	snprintf(prefix, sizeof(prefix), "gw-core-check-%d", (int)getpid());
	for (i = 0; i < c->n_ports; i++) {
		snprintf(devs[i], sizeof(devs[i]), "net_null%d", i);
		snprintf(c->port[i].dev, sizeof(c->port[i].dev), "%s", devs[i]);
		c->port[i].no_tap = true;
		dp[i] = devs[i];
	}
	if (ppm_eal_init(&ec) != 0) {
		fprintf(stderr, "gw-core: %s: [eal] is not usable (see above)\n", path);
		return 1;
	}
	g = gwc_create(c, &e);
	if (g == NULL)
		fprintf(stderr, "gw-core: %s: %s\n", path, e.msg);
	else if (gwc_conf_apply_slices(g, c, &e) != 0)
		fprintf(stderr, "gw-core: %s: %s\n", path, e.msg);
	else {
		slices = (unsigned int)rte_cfgfile_num_sections(c->cfgfile, "slice ", 6);
		printf("gw-core: %s: OK (%d ports, %u slices; device strings are checked at "
		       "start)\n", path, c->n_ports, slices);
		rc = 0;
	}
	gwc_destroy(g);
	gwc_conf_free(c);
	ppm_eal_cleanup();
	return rc;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: gw-core [-c CONFIG] [--check]\n"
		   "  -c, --config FILE   configuration (default /etc/agw/gw-core.conf)\n"
		   "      --check         validate the configuration as a start would (slices\n"
		   "                      included; stand-in ports, nothing touched), then exit\n"
		   "  -h, --help          this text\n"
		   "Control it over the UNIX socket named by [gw-core] control_socket (gwcctl).\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "/etc/agw/gw-core.conf";
	const char *devs[GWC_MAX_PORTS];
	struct ppm_eal_conf ec = { 0 };
	struct gwc_err e = { "" };
	struct sigaction sa;
	struct gwc_conf conf;
	struct gwc *g = NULL;
	bool check = false;
	int opt, rc, i;

	while ((opt = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 'C':
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	rc = gwc_conf_load(&conf, path, &e);
	if (rc != 0) {
		fprintf(stderr, "gw-core: %s\n", e.msg);
		return 1;
	}
	if (conf.n_ports == 0) {
		fprintf(stderr, "gw-core: %s: no [port NAME] section; a gateway needs at least one "
				"port\n", path);
		return 1;
	}
	if (check)
		return check_config(&conf, path);

	for (i = 0; i < conf.n_ports; i++)
		devs[i] = conf.port[i].dev;
	ec.prog_name = "gw-core";
	ec.lcores = conf.lcores;
	ec.huge = conf.huge;
	ec.memory_mb = conf.memory_mb;
	ec.file_prefix = conf.file_prefix;
	ec.extra_args = conf.eal_args[0] != '\0' ? conf.eal_args : NULL;
	ec.devs = devs;
	ec.n_devs = conf.n_ports;
	rc = ppm_eal_init(&ec);
	if (rc != 0) {
		fprintf(stderr, "gw-core: cannot start DPDK (see above)\n");
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	g = gwc_create(&conf, &e);
	if (g == NULL) {
		fprintf(stderr, "gw-core: %s\n", e.msg);
		rc = 1;
		goto out;
	}
	rc = gwc_conf_apply_slices(g, &conf, &e);
	if (rc != 0) {
		fprintf(stderr, "gw-core: %s: %s\n", path, e.msg);
		rc = 1;
		goto out;
	}
	rc = gwc_start(g);
	if (rc == 0)
		rc = gwc_ctl_listen(g, conf.control_socket);
	if (rc != 0) {
		fprintf(stderr, "gw-core: start failed: %s\n", strerror(-rc));
		rc = 1;
		goto out;
	}
	printf("gw-core: ready (%s), control socket %s\n",
	       conf.role == GWC_ROLE_SEP_GW ? "sep-gw" : "agw", conf.control_socket);
	fflush(stdout);
	sd_notifyf(0, "READY=1\nSTATUS=control socket %s\nMAINPID=%d", conf.control_socket,
		   (int)getpid());
	while (!stop_requested)
		if (gwc_control_poll(g, 5) != 0)
			break;
	sd_notify(0, "STOPPING=1");
	printf("gw-core: stopping\n");
	rc = 0;
out:
	gwc_destroy(g);
	gwc_conf_free(&conf);
	ppm_eal_cleanup();
	return rc;
}

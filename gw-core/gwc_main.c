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

static void
usage(FILE *f)
{
	fprintf(f, "usage: gw-core [-c CONFIG] [--check]\n"
		   "  -c, --config FILE   configuration (default /etc/agw/gw-core.conf)\n"
		   "      --check         load and validate the configuration, then exit\n"
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
	if (check) {
		printf("gw-core: %s: OK (%u ports)\n", path, conf.n_ports);
		gwc_conf_free(&conf);
		return 0;
	}

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

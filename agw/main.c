/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * agw: the appliance launcher.
 *   agw [-c /etc/agw/agw.conf] [run]          start gw-core, then agw-manager; supervise
 *   agw [-c /etc/agw/agw.conf] status [--json] each process's state; exit 0/1/3
 *   agw [-c /etc/agw/agw.conf] stop            stop a running launcher and its processes
 * The only agw file allowed to exit(). See agw.h for the behaviour, docs/configuration.md for [agw].
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "agw.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: agw [-c CONFIG] [run | status [--json] | stop]\n"
		"  run      start gw-core, then agw-manager, each once the one before is ready;\n"
		"           restart one that dies (with back-off); SIGTERM/SIGINT stops them all\n"
		"  status   each process: state, pid, uptime, restarts, last exit\n"
		"           (exit 0: all running, 1: some not, 3: agw not running)\n"
		"  stop     stop the running launcher and wait until everything is gone\n"
		"  -c CONFIG  the appliance config (default /etc/agw/agw.conf); its [agw]\n"
		"             section configures the launcher, [manager] the manager\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf_path = "/etc/agw/agw.conf", *cmd = "run";
	struct agw_conf c;
	bool json = false;
	int o;

	while ((o = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			conf_path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		cmd = argv[optind++];
	if (optind < argc || (json && strcmp(cmd, "status") != 0)) {
		usage(stderr);
		return 2;
	}
	if (strcmp(cmd, "run") != 0 && strcmp(cmd, "status") != 0 && strcmp(cmd, "stop") != 0) {
		fprintf(stderr, "agw: unknown command '%s'\n", cmd);
		usage(stderr);
		return 2;
	}
	if (agw_conf_load(&c, conf_path) != 0)
		return strcmp(cmd, "status") == 0 ? 3 : 1;
	if (strcmp(cmd, "status") == 0)
		return agw_status(&c, json);
	if (strcmp(cmd, "stop") == 0)
		return agw_stop(&c);
	return agw_run(&c);
}

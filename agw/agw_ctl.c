/* SPDX-License-Identifier: BSD-3-Clause */
/* 'agw status' and 'agw stop': read the running launcher's pid lock and status file. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "agw.h"
#include "agw_json.h"

/*
 * @return the launcher's pid when one holds RUN_DIR/agw.pid's lock, else 0.
 */
static pid_t
launcher_pid(const struct agw_conf *c)
{
	char path[PATH_MAX], buf[32];
	pid_t pid = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/agw.pid", c->run_dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		pid = (pid_t)atoi(buf);
		if (pid <= 0)
			pid = -1;   /* locked, pid not written yet */
	}
	close(fd);
	return pid;
}

static void
age(time_t since, char *out, size_t len)
{
	long d = since > 0 ? (long)(time(NULL) - since) : 0;

	if (d < 0)
		d = 0;
	if (d < 120)
		snprintf(out, len, "%lds", d);
	else if (d < 7200)
		snprintf(out, len, "%ldm%02lds", d / 60, d % 60);
	else
		snprintf(out, len, "%ldh%02ldm", d / 3600, d / 60 % 60);
}

int
agw_status(const struct agw_conf *c, bool json)
{
	struct json_object *o, *procs;
	char path[PATH_MAX], when[64], up[32];
	pid_t pid = launcher_pid(c);
	bool all_running = true;
	time_t since;
	size_t i;

	snprintf(path, sizeof(path), "%s/agw.status", c->run_dir);
	o = json_object_from_file(path);
	if (json) {
		if (o == NULL)
			o = json_object_new_object();
		json_object_object_add(o, "launcher_running", json_object_new_boolean(pid != 0));
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	}
	if (o == NULL) {
		if (pid != 0)
			printf("agw: starting (pid %d), no status yet\n", (int)pid);
		else
			printf("agw: not running (no %s; start it with 'agw -c %s')\n", path,
			       c->conf_path);
		return pid != 0 ? 1 : 3;
	}
	procs = json_object_object_get_ex(o, "processes", &procs) ? procs : NULL;
	for (i = 0; procs != NULL && i < json_object_array_length(procs); i++)
		if (strcmp(agw_json_str(json_object_array_get_idx(procs, i), "state"), "running") != 0)
			all_running = false;
	if (!json) {
		since = (time_t)agw_json_int(o, "since", 0, NULL);
		strftime(when, sizeof(when), "%F %T", localtime(&since));
		if (pid != 0)
			printf("agw: %s (pid %d) since %s, config %s\n", agw_json_str(o, "state"), (int)pid,
			       when, agw_json_str(o, "config"));
		else
			printf("agw: not running; last state (%s, %s) below\n", agw_json_str(o, "state"),
			       when);
		printf("  %-9s %-9s %8s %8s %8s  %-22s %s\n", "PROCESS", "STATE", "PID", "UPTIME",
		       "RESTARTS", "LAST EXIT", "STATUS");
		for (i = 0; procs != NULL && i < json_object_array_length(procs); i++) {
			struct json_object *p = json_object_array_get_idx(procs, i);
			const char *st = agw_json_str(p, "state");
			char pidbuf[16];

			age((time_t)agw_json_int(p, "since", 0, NULL), up, sizeof(up));
			snprintf(pidbuf, sizeof(pidbuf), "%lld", (long long)agw_json_int(p, "pid", 0, NULL));
			printf("  %-9s %-9s %8s %8s %8lld  %-22s %s\n", agw_json_str(p, "name"), st,
			       agw_json_int(p, "pid", 0, NULL) > 0 ? pidbuf : "-",
			       strcmp(st, "running") == 0 ? up : "-", (long long)agw_json_int(p, "restarts", 0, NULL),
			       agw_json_str(p, "last_exit")[0] ? agw_json_str(p, "last_exit") : "-", agw_json_str(p, "status"));
		}
	}
	json_object_put(o);
	if (pid == 0)
		return 3;
	return all_running ? 0 : 1;
}

int
agw_stop(const struct agw_conf *c)
{
	pid_t pid = launcher_pid(c);
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	unsigned int waited_ms = 0, limit_ms;

	if (pid == 0) {
		printf("agw: not running\n");
		return 0;
	}
	if (pid < 0 || kill(pid, SIGTERM) != 0) {
		fprintf(stderr, "agw: cannot signal the launcher (pid %d): %s\n", (int)pid,
			pid < 0 ? "pid unknown" : strerror(errno));
		return 1;
	}
	/* Every process may take stop_timeout_ms, then SIGKILL; allow for all of them. */
	limit_ms = (AGW_MAX_PROCS + 1) * c->stop_timeout_ms + 5000;
	while (launcher_pid(c) != 0) {
		if (waited_ms >= limit_ms) {
			fprintf(stderr, "agw: the launcher (pid %d) has not stopped after %u ms\n",
				(int)pid, waited_ms);
			return 1;
		}
		nanosleep(&ts, NULL);
		waited_ms += 100;
	}
	printf("agw: stopped (was pid %d)\n", (int)pid);
	return 0;
}

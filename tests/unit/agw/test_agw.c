/* SPDX-License-Identifier: BSD-3-Clause */
/* The agw launcher's config ([agw] of agw.conf) and its restart back-off. The supervisor
 * itself (spawn, readiness, restart, stop) is exercised end to end: tests/e2e/appliance. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "agw.h"

/* Load 'text' as an agw.conf; what agw_conf_load printed to stderr goes to 'err'. */
static int
load(const char *text, struct agw_conf *c, char *err, size_t err_len)
{
	char path[] = "/tmp/agw-unit-agwconf-XXXXXX", epath[] = "/tmp/agw-unit-agwerr-XXXXXX";
	int fd = mkstemp(path), efd = mkstemp(epath), saved, rc;
	ssize_t n;

	CU_ASSERT_FATAL(fd >= 0 && efd >= 0);
	CU_ASSERT_FATAL(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	fflush(stderr);
	saved = dup(2);
	dup2(efd, 2);
	rc = agw_conf_load(c, path);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(efd, err, err_len - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(efd);
	unlink(path);
	unlink(epath);
	return rc;
}

static void
test_conf(void)
{
	struct agw_conf c;
	char err[512];

	/* No [agw] section: every default. */
	CU_ASSERT_EQUAL_FATAL(load("[manager]\nuser = snc\n", &c, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.gw_core_conf, "/etc/agw/gw-core.conf");
	CU_ASSERT_STRING_EQUAL(c.run_dir, "/run/agw");
	CU_ASSERT(c.manager);
	CU_ASSERT(!c.ike);
	CU_ASSERT_STRING_EQUAL(c.charon, "/usr/sbin/charon-systemd");
	CU_ASSERT_STRING_EQUAL(c.strongswan_conf, "/tmp/strongswan-agw.conf");
	CU_ASSERT_STRING_EQUAL(c.ike_plugin, "");
	CU_ASSERT_EQUAL(c.start_timeout_ms, 60000);
	CU_ASSERT_EQUAL(c.restart_delay_ms, 500);
	CU_ASSERT_EQUAL(c.restart_delay_max_ms, 30000);
	CU_ASSERT(strncmp(c.conf_path, "/tmp/agw-unit-agwconf-", 22) == 0);

	/* Relative paths are taken from the config's directory. */
	CU_ASSERT_EQUAL_FATAL(load("[agw]\ngw_core_conf = gw.conf\nrun_dir = /x/run\n"
				   "bin_dir = bin\nmanager = no\nstable_ms = 0\n"
				   "restart_delay_ms = 20\nrestart_delay_max_ms = 20\n"
				   "ike = yes\nstrongswan_conf = ss/a.conf\ncharon = /opt/charon\n"
				   "ike_plugin = lib/k.so\n",
				   &c, err, sizeof(err)), 0);
	CU_ASSERT(c.ike);
	CU_ASSERT_STRING_EQUAL(c.strongswan_conf, "/tmp/ss/a.conf");
	CU_ASSERT_STRING_EQUAL(c.charon, "/opt/charon");
	CU_ASSERT_STRING_EQUAL(c.ike_plugin, "/tmp/lib/k.so");
	CU_ASSERT_STRING_EQUAL(c.gw_core_conf, "/tmp/gw.conf");
	CU_ASSERT_STRING_EQUAL(c.bin_dir, "/tmp/bin");
	CU_ASSERT_STRING_EQUAL(c.run_dir, "/x/run");
	CU_ASSERT(!c.manager);
	CU_ASSERT_EQUAL(c.stable_ms, 0);

	/* Errors name the key and the value. */
	CU_ASSERT_EQUAL(load("[agw]\nrestart_dealy_ms = 5\n", &c, err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, "restart_dealy_ms = '5': unknown key") != NULL);
	CU_ASSERT_EQUAL(load("[agw]\nstop_timeout_ms = 5s\n", &c, err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, "stop_timeout_ms = '5s': expected milliseconds") != NULL);
	CU_ASSERT_EQUAL(load("[agw]\nmanager = maybe\n", &c, err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, "manager = 'maybe': expected yes or no") != NULL);
	CU_ASSERT_EQUAL(load("[agw]\nike = 1\n", &c, err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, "ike = '1': expected yes or no") != NULL);
	CU_ASSERT_EQUAL(load("[agw]\nrestart_delay_ms = 900\nrestart_delay_max_ms = 800\n", &c,
			     err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, "restart_delay_max_ms = '800'") != NULL);
	CU_ASSERT_EQUAL(load("[agw]\nrun_dir = /a/very/long/run/directory/name/that/goes/on/and/"
			     "on/and/on/past/eighty/bytes/of/path\n", &c, err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, "run_dir") != NULL && strstr(err, "too long") != NULL);
	CU_ASSERT_EQUAL(agw_conf_load(&c, "/nonexistent/agw.conf"), -1);

	/* The shipped example. */
	CU_ASSERT_EQUAL_FATAL(agw_conf_load(&c, AGW_SRCDIR "/etc/agw.conf"), 0);
	CU_ASSERT_STRING_EQUAL(c.gw_core_conf, AGW_SRCDIR "/etc/gw-core.conf");
	CU_ASSERT_STRING_EQUAL(c.run_dir, "/run/agw");
	CU_ASSERT_EQUAL(c.stable_ms, 60000);
}

static void
test_backoff(void)
{
	struct agw_conf c = { .restart_delay_ms = 500, .restart_delay_max_ms = 3000,
			      .stable_ms = 60000 };

	CU_ASSERT_EQUAL(agw_backoff_next(&c, 0, 10), 500);        /* first death */
	CU_ASSERT_EQUAL(agw_backoff_next(&c, 500, 10), 1000);     /* died again soon */
	CU_ASSERT_EQUAL(agw_backoff_next(&c, 1000, 59999), 2000);
	CU_ASSERT_EQUAL(agw_backoff_next(&c, 2000, 10), 3000);    /* the ceiling */
	CU_ASSERT_EQUAL(agw_backoff_next(&c, 3000, 10), 3000);
	CU_ASSERT_EQUAL(agw_backoff_next(&c, 3000, 60000), 500);  /* was stable: afresh */
	CU_ASSERT_STRING_EQUAL(agw_proc_state_name(AGW_PROC_BACKOFF), "back-off");
	CU_ASSERT_STRING_EQUAL(agw_proc_state_name((enum agw_proc_state)99), "?");
}

static void
test_ike_version(void)
{
	char msg[512];

	/* what the plugin was built against, exactly */
	CU_ASSERT_EQUAL(agw_charon_version_check("5.9.8-5+deb12u6", "5.9.8", "5.9.8-5+deb12u6", msg,
					      sizeof(msg)), AGW_CHARON_VERSION_OK);
	CU_ASSERT_STRING_EQUAL(msg, "");
	/* a Debian security update of the same upstream: runs, with a warning naming both */
	CU_ASSERT_EQUAL(agw_charon_version_check("5.9.8-5+deb12u7", "5.9.8", "5.9.8-5+deb12u6", msg,
					      sizeof(msg)), AGW_CHARON_VERSION_REVISION);
	CU_ASSERT(strstr(msg, "warning") != NULL && strstr(msg, "5.9.8-5+deb12u7") != NULL &&
		  strstr(msg, "5.9.8-5+deb12u6") != NULL);
	/* an epoch is not part of the upstream version */
	CU_ASSERT_EQUAL(agw_charon_version_check("1:5.9.8-5", "5.9.8", "1:5.9.8-5", msg,
					      sizeof(msg)), AGW_CHARON_VERSION_OK);
	/* another upstream: refused, saying both versions and what to do */
	CU_ASSERT_EQUAL(agw_charon_version_check("5.9.13-2", "5.9.8", "5.9.8-5+deb12u6", msg,
					      sizeof(msg)), AGW_CHARON_VERSION_MISMATCH);
	CU_ASSERT(strstr(msg, "5.9.13") != NULL && strstr(msg, "built against 5.9.8") != NULL &&
		  strstr(msg, "make install") != NULL);
	/* a longer version with the same prefix is another version */
	CU_ASSERT_EQUAL(agw_charon_version_check("5.9.80-1", "5.9.8", "5.9.8-5", msg, sizeof(msg)),
			AGW_CHARON_VERSION_MISMATCH);
	/* not installed */
	CU_ASSERT_EQUAL(agw_charon_version_check("", "5.9.8", "5.9.8-5", msg, sizeof(msg)),
			AGW_CHARON_VERSION_MISMATCH);
	CU_ASSERT(strstr(msg, "not installed") != NULL);
	CU_ASSERT_EQUAL(agw_charon_version_check(NULL, "5.9.8", "5.9.8-5", msg, sizeof(msg)),
			AGW_CHARON_VERSION_MISMATCH);
}

int test_agw_register(void);

int
test_agw_register(void)
{
	CU_pSuite s = CU_add_suite("agw_launcher", NULL, NULL);

	if (s == NULL || CU_add_test(s, "[agw] config: defaults, paths, errors", test_conf) == NULL ||
	    CU_add_test(s, "restart back-off", test_backoff) == NULL ||
	    CU_add_test(s, "strongSwan version check", test_ike_version) == NULL)
		return -1;
	return 0;
}

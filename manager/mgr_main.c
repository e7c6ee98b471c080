/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * agw-manager: the AGW's XML-RPC server for SNC/VNM (seed 003 section 3.6).
 *   agw-manager -c /etc/agw/agw.conf [--check]     serve (or only check the config)
 *   agw-manager --hash-password                     read a password, print its hash
 * HTTP Basic credentials are required on every call; bodies over max_request_bytes get
 * HTTP 413. The XML-RPC endpoint is http://LISTEN/RPC2.
 *
 * The process: configuration (mgr_conf.c), the registry from SQLite (mgr_store.c), the
 * daemons (mgr_gwc.c, mgr_charon.c) kept by the monitor thread (mgr_sync.c), the
 * operations (mgr_ops.c) behind the HTTP server and its front ends (mgr_http.c,
 * mgr_xmlrpc.c).
 */
#include <crypt.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <systemd/sd-daemon.h>

#include "mgr_http.h"
#include "mgr_ops.h"

static struct mgr_sync *running_sync;

static void
on_signal(int sig)
{
	(void)sig;
	if (running_sync != NULL)
		mgr_sync_stop(running_sync);
	mgr_http_stop();
}

/* Requests are served: say so (stdout, systemd Type=notify or the agw launcher). */
static void
ready(void *arg)
{
	struct mgr *m = arg;

	printf("agw-manager: ready on %s://%s/RPC2 (%u slices from %s; gw-core %s; charon %s)\n",
	       m->conf.tls ? "https" : "http", m->conf.listen, m->reg.n, m->conf.db,
	       mgr_gwc_up(&m->gwc) ? "connected" : "not reachable",
	       !m->conf.charon.enabled ? "not used" : mgr_charon_up(&m->charon) ? "connected" : "not reachable");
	fflush(stdout);
	/* a no-op without NOTIFY_SOCKET */
	sd_notifyf(0, "READY=1\nSTATUS=listening on %s://%s/RPC2\nMAINPID=%d",
		   m->conf.tls ? "https" : "http", m->conf.listen,
		   (int)getpid());
}

static int
hash_password(void)
{
	char pw[256], salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	const char *h;
	size_t n;

	if (isatty(STDIN_FILENO))
		fprintf(stderr, "password: ");
	if (fgets(pw, sizeof(pw), stdin) == NULL) {
		fprintf(stderr, "agw-manager: no password on stdin\n");
		return 1;
	}
	n = strcspn(pw, "\r\n");
	pw[n] = '\0';
	if (n < 8) {
		fprintf(stderr, "agw-manager: use a password of at least 8 characters\n");
		return 1;
	}
	memset(&cd, 0, sizeof(cd));
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)) == NULL ||
	    (h = crypt_r(pw, salt, &cd)) == NULL || h[0] == '*') {
		fprintf(stderr, "agw-manager: crypt failed: %s\n", strerror(errno));
		return 1;
	}
	printf("%s\n", h);
	OPENSSL_cleanse(pw, sizeof(pw));
	return 0;
}

static int
usage(FILE *f, int rc)
{
	fprintf(f, "usage: agw-manager -c CONFIG [--check]\n"
		   "       agw-manager --hash-password   (password on stdin; prints the hash\n"
		   "                                      for [manager] password_hash)\n");
	return rc;
}

int
main(int argc, char **argv)
{
	static struct mgr m;
	static struct mgr_sync sync = { .m = &m };
	const char *conf = NULL;
	struct mgr_err e = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	pthread_t mon;
	bool check = false;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			conf = argv[++i];
		else if (strcmp(argv[i], "--check") == 0)
			check = true;
		else if (strcmp(argv[i], "--hash-password") == 0)
			return hash_password();
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return usage(stdout, 0);
		else
			return usage(stderr, 2);
	}
	if (conf == NULL)
		return usage(stderr, 2);
	if (mgr_conf_load(&m.conf, conf) != 0)
		return 1;
	m.st = mgr_store_open(m.conf.db, &e);
	if (m.st == NULL || mgr_store_load(m.st, &m.reg, &e) != 0) {
		fprintf(stderr, "agw-manager: %s\n", e.msg);
		return 1;
	}
	if (check) {
		printf("agw-manager: %s is valid; %u slices in %s\n", conf, m.reg.n, m.conf.db);
		return 0;
	}
	pthread_mutex_init(&m.lock, NULL);
	pthread_mutex_init(&m.io_lock, NULL);
	m.started = (int64_t)time(NULL);
	mgr_gwc_init(&m.gwc, m.conf.gwc_socket, m.conf.client, (int)m.conf.gwc_timeout_ms);
	m.gwc.nsl = &m.conf.nsl;
	if (mgr_gwc_check(&m.gwc, &m.reg, &e) != 0)
		fprintf(stderr, "manager: gw-core: %s (retrying every %u ms)\n", e.msg,
			m.conf.gwc_check_ms);
	if (mgr_charon_init(&m.charon, &m.conf.charon, &e) != 0) {
		fprintf(stderr, "agw-manager: %s: %s\n", conf, e.msg);
		return 1;
	}
	if (mgr_charon_check(&m.charon, &m.reg, &e) != 0)
		fprintf(stderr, "manager: charon: %s (retrying every %u ms)\n", e.msg,
			m.conf.gwc_check_ms);
	running_sync = &sync;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_create(&mon, NULL, mgr_sync_run, &sync);
	rc = mgr_http_run(&m, ready, &m);
	sd_notify(0, "STOPPING=1");
	mgr_sync_stop(&sync);
	pthread_join(mon, NULL);
	mgr_gwc_fini(&m.gwc);
	mgr_charon_fini(&m.charon);
	mgr_store_close(m.st);
	mgr_reg_clear(&m.reg);
	mgr_conf_free(&m.conf);
	if (rc != 0)
		return 1;
	fprintf(stderr, "agw-manager: stopped\n");
	return 0;
}

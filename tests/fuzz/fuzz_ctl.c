/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for gw-core's control socket (docs/control-socket.md): each input
 * is written, as a client would, to a real connection to the listening socket of
 * fuzz_gwc.h's gw-core (whose tables hold every endpoint type), after a hello as
 * client "fz"; the control thread runs until it has answered. For any input:
 *  - every answer line is one JSON object with a boolean "ok", and "result" when true,
 *    else "error" with a "code" and a "message";
 *  - the "fuzz" owner's slices are still there (another client cannot touch them);
 *  - nothing crashes or reads out of bounds (ASan/UBSan).
 * Then owner.flush of "fz" removes what the input made. Seeds: tests/fuzz/ctl-seeds/.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <json-c/json.h>

#include "fuzz_gwc.h"

static char sock[108];

static void
remove_sock(void)
{
	unlink(sock);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_gwc_init("fuzz_ctl");
	snprintf(sock, sizeof(sock), "/tmp/agw-fuzz-ctl-%d.sock", (int)getpid());
	if (gwc_ctl_listen(g, sock) != 0)
		die("control socket", NULL);
	atexit(remove_sock);
	return 0;
}

/* Check one answer line. */
static void
check_line(const char *line)
{
	struct json_object *o = json_tokener_parse(line), *ok, *x, *y;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "ok", &ok) || !json_object_is_type(ok, json_type_boolean))
		goto bad;
	if (json_object_get_boolean(ok)) {
		if (!json_object_object_get_ex(o, "result", &x))
			goto bad;
	} else if (!json_object_object_get_ex(o, "error", &x) ||
		   !json_object_object_get_ex(x, "code", &y) ||
		   !json_object_object_get_ex(x, "message", &y) ||
		   json_object_get_string_len(y) == 0) {
		goto bad;
	}
	json_object_put(o);
	return;
bad:
	fprintf(stderr, "malformed answer: %.300s\n", line);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char hello[] = "{\"op\": \"hello\", \"args\": {\"client\": \"fz\"}}\n";
	static char in[1 << 20];
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t off = 0, have = 0, want_lines, lines = 0, k;
	const uint8_t *p = data;
	int fd, idle = 0, i;

	if (size > 65536)
		return 0;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		die("connect", NULL);
	/* one answer per line the server will see: the hello's and one per '\n' of ours */
	want_lines = 1;
	for (k = 0; k < size; k++)
		want_lines += data[k] == '\n';
	if (size > 0 && data[size - 1] != '\n')
		want_lines++;
	if (send(fd, hello, sizeof(hello) - 1, MSG_NOSIGNAL) != (ssize_t)sizeof(hello) - 1)
		die("hello", NULL);
	while (idle < 50) {
		ssize_t n;

		if (off < size) {
			n = send(fd, p + off, size - off, MSG_NOSIGNAL);
			if (n > 0)
				off += (size_t)n;
			if (off == size && data[size - 1] != '\n')
				(void)send(fd, "\n", 1, MSG_NOSIGNAL);
		}
		gwc_control_poll(g, 0);
		n = recv(fd, in + have, sizeof(in) - 1 - have, 0);
		if (n > 0) {
			char *nl, *start = in;

			have += (size_t)n;
			in[have] = '\0';
			while ((nl = memchr(start, '\n', have - (size_t)(start - in))) != NULL) {
				*nl = '\0';
				check_line(start);
				lines++;
				start = nl + 1;
			}
			have -= (size_t)(start - in);
			memmove(in, start, have);
			idle = 0;
		} else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
			break;   /* the server closed: a line too long, or an error */
		} else if (off == size && lines >= want_lines) {
			break;
		} else {
			idle++;
		}
	}
	close(fd);
	for (i = 0; i < 3; i++)
		gwc_control_poll(g, 0);
	gwc_owner_flush(g, "fz");
	if (gwc_slice_find(g, "s1") < 0 || gwc_slice_find(g, "s2") < 0 ||
	    gwc_slice_find(g, "ips") < 0) {
		fprintf(stderr, "a client removed the \"fuzz\" owner's slices\n");
		abort();
	}
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Socket helpers every process shares (agw_sock_*), header only. */
#ifndef AGW_SOCK_H
#define AGW_SOCK_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

/**
 * Send the 'n' bytes at 's' and a newline on stream socket 'fd' (one JSON line of the
 * gw-core control socket, docs/control-socket.md) in one sendmsg() where the socket
 * takes it all, going on after a partial write; MSG_NOSIGNAL: a closed peer is EPIPE,
 * not SIGPIPE. Blocks as 'fd' does (a socket's SO_SNDTIMEO ends it with EAGAIN). Any
 * thread.
 * @return 0; -1 with errno (what sendmsg() failed with; EPIPE when the peer is gone).
 */
static inline int
agw_sock_send_line(int fd, const char *s, size_t n)
{
	static const char nl = '\n';
	struct iovec iov[2] = { { (void *)(uintptr_t)s, n }, { (void *)(uintptr_t)&nl, 1 } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

	while (mh.msg_iovlen > 0) {
		ssize_t w = sendmsg(fd, &mh, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EPIPE;
			return -1;
		}
		/* past what went: whole iovecs, then into the next one */
		while (mh.msg_iovlen > 0 && (size_t)w >= mh.msg_iov[0].iov_len) {
			w -= (ssize_t)mh.msg_iov[0].iov_len;
			mh.msg_iov++;
			mh.msg_iovlen--;
		}
		if (mh.msg_iovlen > 0) {
			mh.msg_iov[0].iov_base = (char *)mh.msg_iov[0].iov_base + w;
			mh.msg_iov[0].iov_len -= (size_t)w;
		}
	}
	return 0;
}

#endif /* AGW_SOCK_H */

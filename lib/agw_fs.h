/* SPDX-License-Identifier: BSD-3-Clause */
/* File-system helpers every process shares (agw_fs_*), header only. */
#ifndef AGW_FS_H
#define AGW_FS_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

/**
 * mkdir -p: make directory 'dir' and the missing ones above it (mode 0755; existing
 * ones are left as they are). Any thread.
 * @return 0; -1 with errno (of the mkdir that failed; ENAMETOOLONG past PATH_MAX).
 */
static inline int
agw_fs_mkdir_p(const char *dir)
{
	char tmp[PATH_MAX], *q;

	if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (q = tmp + 1; *q != '\0'; q++)
		if (*q == '/') {
			*q = '\0';
			if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
				return -1;
			*q = '/';
		}
	return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

#endif /* AGW_FS_H */

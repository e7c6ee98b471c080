/* SPDX-License-Identifier: BSD-3-Clause */
/* nsliver's internals shared by its runtime files (not used outside nsliver/). */
#ifndef AGW_NSL_INT_H
#define AGW_NSL_INT_H

#include <stdint.h>

#include "nsl.h"

/** Run argv[0] (PATH searched) and wait; its output's end into 'err' on failure.
 *  @return 0 when it exited 0, else -1. */
int nsl_run(char *const argv[], char *err, size_t errlen);

/** /proc/PID/stat's start time (clock ticks since boot); 0: no such process, or a
 *  zombie. */
uint64_t nsl_starttime(int pid);

/** Remove directory 'dir' and all in it (not crossing mounts). @return 0, -1. */
int nsl_rmtree(const char *dir);

/** Write p->dir/pid: pid, start time 'st', p->started. @return 0, -1. */
int nsl_write_pid(const struct nsl_proc *p, uint64_t st);

#endif /* AGW_NSL_INT_H */

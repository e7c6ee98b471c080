/* SPDX-License-Identifier: BSD-3-Clause */
/* PPM's private log type (agw.ppm), shared by the files of ppm/. */
#ifndef PPM_LOG_H
#define PPM_LOG_H
#include <rte_log.h>
extern int ppm_logtype;
#define RTE_LOGTYPE_PPM ppm_logtype
#define PPM_LOG(l, fmt, ...) RTE_LOG(l, PPM, fmt "\n", ##__VA_ARGS__)
#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw-core's log type, the names of its drop reasons (gwc_drop.def) and the error-message
 * helpers (gwc_log.h). Any thread; calls nothing else of gw-core.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gwc_log.h"

RTE_LOG_REGISTER(gwc_logtype, agw.gwc, INFO);

static const char *const drop_names[] = {
#define _(n, d) #n,
#include "gwc_drop.def"
#undef _
};

static const char *const drop_descs[] = {
#define _(n, d) d,
#include "gwc_drop.def"
#undef _
};

const char *
gwc_drop_name(enum gwc_drop r)
{
	static char lower[GWC_DROP_MAX][32];
	size_t i;

	if ((unsigned int)r >= GWC_DROP_MAX)
		return "?";
	if (lower[r][0] == '\0') {
		for (i = 0; drop_names[r][i] != '\0' && i < sizeof(lower[r]) - 1; i++)
			lower[r][i] = (char)tolower((unsigned char)drop_names[r][i]);
		lower[r][i] = '\0';
	}
	return lower[r];
}

const char *
gwc_drop_desc(enum gwc_drop r)
{
	return (unsigned int)r < GWC_DROP_MAX ? drop_descs[r] : "?";
}

void
gwc_errf(struct gwc_err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void
gwc_err_prefix(struct gwc_err *e, const char *fmt, ...)
{
	char pre[GWC_ERR_MAX], old[GWC_ERR_MAX];
	va_list ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	gwc_errf(e, "%s: %s", pre, old);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading the arguments of a control-socket request (json-c), for gw-core's control
 * socket and its endpoint types (not public). Each reader takes object 'args' (may be
 * NULL: every argument is then absent) and key 'key'; on a bad value it fills 'e' with
 * the argument's name and what it must be, and returns -EINVAL. Control thread.
 */
#ifndef GWC_JSON_H
#define GWC_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>

#include "agw_json.h"
#include "gwc.h"

/* A required string: '*out' is owned by 'args'. @return 0 or -EINVAL. */
int gwc_arg_str(struct json_object *args, const char *key, const char **out, struct gwc_err *e);
/* An optional integer 0..'max' (a JSON integer or a string strtoll() takes: "0x10");
 * '*present' says whether it was there ('*out' unchanged when not). @return 0 or -EINVAL. */
int gwc_arg_uint(struct json_object *args, const char *key, uint64_t max, uint64_t *out,
		 bool *present, struct gwc_err *e);
/* An optional boolean: JSON true/false or "yes"/"no"; '*out' unchanged when absent.
 * @return 0 or -EINVAL. */
int gwc_arg_bool(struct json_object *args, const char *key, bool *out, struct gwc_err *e);
/* An optional IPv4 address string into '*out' (network order; unchanged when absent).
 * @return 0 or -EINVAL. */
int gwc_arg_ipv4(struct json_object *args, const char *key, uint32_t *out, struct gwc_err *e);
/* Optional traffic selectors: "A.B.C.D/LEN" (an address alone: /32) or an array of up to
 * GWC_MAX_TS of them into 'p'; '*n' their number (0 when absent). @return 0 or -EINVAL. */
int gwc_arg_prefixes(struct json_object *args, const char *key, struct gwc_prefix *p, uint8_t *n,
		     struct gwc_err *e);
/* 'ip' (network order) as dotted quad in 'buf' (INET_ADDRSTRLEN bytes). @return 'buf'. */
const char *gwc_ip_str(rte_be32_t ip, char *buf);
/* Drops by reason as { "reason": n }: every reason, or with 'nonzero' only those seen.
 * @return a new object the caller puts. */
struct json_object *gwc_drops_json(const uint64_t drops[GWC_DROP_MAX], bool nonzero);

#endif /* GWC_JSON_H */

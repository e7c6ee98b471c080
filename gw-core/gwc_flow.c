/* SPDX-License-Identifier: BSD-3-Clause */
/* Trailer flow table, control-thread half: create (gwc_flow.h). */
#include <stddef.h>


#include "gwc_flow.h"

struct gwc_flow_table *
gwc_flow_create(uint32_t entries, uint64_t age_tsc)
{
	return gwc_assoc_create("gwc_flows", sizeof(struct gwc_flow_table),
				sizeof(struct gwc_flow_slot), GWC_FLOW_WAYS, entries, age_tsc);
}


# SPDX-License-Identifier: BSD-3-Clause
# gw-core: the control thread's files, one object each (gwc_model.h lists them), the
# endpoint types (gwc_ep_*.c), the control socket (gwc_ctl*.c) and the worker
# (gwc_worker.c with its gwc_dp_*.h stages, built with FAST_CFLAGS).
GWC_SRCS := gw-core/gwc_err.c gw-core/gwc_core.c gw-core/gwc_model.c gw-core/gwc_slice.c \
	gw-core/gwc_stats.c gw-core/gwc_trlkey.c gw-core/gwc_tables.c gw-core/gwc_ep.c \
	gw-core/gwc_ep_port.c gw-core/gwc_ep_vlan.c gw-core/gwc_ep_gre.c gw-core/gwc_ep_trailer.c \
	gw-core/gwc_ep_ipsec.c gw-core/gwc_neigh.c gw-core/gwc_inject.c gw-core/gwc_exc.c \
	gw-core/gwc_ipsec.c gw-core/gwc_l3.c gw-core/gwc_json.c gw-core/gwc_ctl.c \
	gw-core/gwc_ctl_sys.c gw-core/gwc_ctl_slice.c gw-core/gwc_ctl_trailer.c \
	gw-core/gwc_ctl_ipsec.c gw-core/gwc_worker.c gw-core/gwc_mac.c gw-core/gwc_flow.c \
	gw-core/gwc_sa.c gw-core/gwc_config.c gw-core/gwc_sched.c gw-core/gwc_port.c
GWC_OBJS := $(GWC_SRCS:%.c=$(BUILD)/obj/%.o)
$(GWC_OBJS) $(BUILD)/obj/gw-core/gwc_main.o: ALL_CFLAGS += -Igw-core -Ippm -Itrailer
$(BUILD)/obj/gw-core/gwc_worker.o: ALL_CFLAGS += $(FAST_CFLAGS)
GWC_LIB  := $(BUILD)/libgwc.a
GWC_BIN  := $(BUILD)/bin/gw-core
OBJS += $(GWC_OBJS) $(BUILD)/obj/gw-core/gwc_main.o
LIBS += $(GWC_LIB)
BINS += $(GWC_BIN)

$(GWC_LIB): $(GWC_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

# Whole-archive: PMDs and our RTE_LOG_REGISTER and tables-builder constructors must be
# linked in.
$(GWC_BIN): $(BUILD)/obj/gw-core/gwc_main.o $(GWC_LIB) $(PPM_LIB) $(TRL_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< -Wl,--whole-archive $(GWC_LIB) $(PPM_LIB) \
		-Wl,--no-whole-archive $(TRL_LIB) $(DPDK_LIBS) $(JSON_LIBS) $(SYSTEMD_LIBS) \
		$(TRL_LIBS) -lpthread

# SPDX-License-Identifier: BSD-3-Clause
GWC_SRCS := gw-core/gwc_core.c gw-core/gwc_tables.c gw-core/gwc_worker.c gw-core/gwc_mac.c \
	gw-core/gwc_exc.c gw-core/gwc_ctl.c gw-core/gwc_config.c gw-core/gwc_flow.c gw-core/gwc_sa.c gw-core/gwc_ipsec.c
GWC_OBJS := $(GWC_SRCS:%.c=$(BUILD)/obj/%.o)
$(GWC_OBJS): ALL_CFLAGS += -Itrailer
$(BUILD)/obj/gw-core/gwc_worker.o: ALL_CFLAGS += $(FAST_CFLAGS)
GWC_LIB  := $(BUILD)/libgwc.a
GWC_BIN  := $(BUILD)/bin/gw-core
OBJS += $(GWC_OBJS) $(BUILD)/obj/gw-core/gwc_main.o
LIBS += $(GWC_LIB)
BINS += $(GWC_BIN)

$(GWC_LIB): $(GWC_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

# Whole-archive: PMDs and our RTE_LOG_REGISTER constructors must be linked in.
$(GWC_BIN): $(BUILD)/obj/gw-core/gwc_main.o $(GWC_LIB) $(PPM_LIB) $(TRL_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< -Wl,--whole-archive $(GWC_LIB) $(PPM_LIB) \
		-Wl,--no-whole-archive $(TRL_LIB) $(DPDK_LIBS) $(JSON_LIBS) $(SYSTEMD_LIBS) \
		$(TRL_LIBS) -lpthread

# The control-socket client: plain C + json-c, no DPDK (manager, gwcctl, IKE plugin).
GWCCLIENT_LIB := $(BUILD)/libgwcclient.a
OBJS += $(BUILD)/obj/gw-core/gwc_client.o
LIBS += $(GWCCLIENT_LIB)
$(GWCCLIENT_LIB): $(BUILD)/obj/gw-core/gwc_client.o
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

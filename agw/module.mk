# SPDX-License-Identifier: BSD-3-Clause
# agw/: the appliance launcher (supervises gw-core and agw-manager; see agw/agw.h).
AGW_SRCS := agw/agw_conf.c agw/agw_sup.c agw/agw_ctl.c agw/agw_charon.c
AGW_OBJS := $(AGW_SRCS:%.c=$(BUILD)/obj/%.o)
AGW_LIB  := $(BUILD)/libagw.a
AGW_BIN  := $(BUILD)/bin/agw
OBJS += $(AGW_OBJS) $(BUILD)/obj/agw/main.o
LIBS += $(AGW_LIB)
BINS += $(AGW_BIN)

# Paths are checked for length where it matters (run_dir); the rest may truncate.
$(AGW_OBJS) $(BUILD)/obj/agw/main.o: ALL_CFLAGS += -Wno-format-truncation

$(AGW_LIB): $(AGW_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(AGW_BIN): $(BUILD)/obj/agw/main.o $(AGW_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lrte_cfgfile $(JSON_LIBS) $(SYSTEMD_LIBS)

# The strongSwan version the kernel-agw plugin is built against (agw/kernel-agw/module.mk)
# and where make install puts the plugin, compiled in for the launcher's check.
$(BUILD)/obj/agw/agw_charon.o: ALL_CFLAGS += -I$(BUILD)/strongswan \
	-DAGW_CHARON_PLUGIN_INSTALLED='"$(IKE_PLUGINDIR)/libstrongswan-kernel-agw.so"'
$(BUILD)/obj/agw/agw_charon.o: $(BUILD)/strongswan/stamp

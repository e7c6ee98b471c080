# SPDX-License-Identifier: BSD-3-Clause
# agw/kernel-agw/: kernel-agw, the strongSwan kernel-ipsec plugin (GPL-2.0-or-later) that hands
# charon's SAs to gw-core. Built against Debian's strongSwan source (tools/strongswan-src.sh,
# cached in $(BUILD)/strongswan) and linked against the installed libcharon.
SS_DIR      := $(BUILD)/strongswan
SS_STAMP    := $(SS_DIR)/stamp
IKE_PLUGIN  := $(BUILD)/lib/libstrongswan-kernel-agw.so
IKE_SRCS    := agw/kernel-agw/kernel_agw_plugin.c agw/kernel-agw/kernel_agw_ipsec.c \
	agw/kernel-agw/kernel_agw_shared.c
IKE_OBJS    := $(IKE_SRCS:%.c=$(BUILD)/obj-pic/%.o) $(BUILD)/obj-pic/lib/gwc_client.o
OBJS        += $(IKE_OBJS)
PLUGINS     := $(IKE_PLUGIN)
IKE_PLUGINDIR ?= /usr/lib/ipsec/plugins

# strongSwan's own code style (METHOD() with unused 'this', signed/unsigned mixes in
# its headers) needs these off; everything else stays an error.
IKE_CFLAGS = -std=gnu11 $(CFLAGS) -fPIC -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-sign-compare -Wno-missing-field-initializers -MMD -MP \
	-include $(SS_DIR)/config.h -I$(SS_DIR) -I$(SS_DIR)/src/src/libstrongswan \
	-I$(SS_DIR)/src/src/libcharon -Ilib $(JSON_CFLAGS)

$(SS_STAMP): tools/strongswan-src.sh | $(DEPS_STAMP)
	tools/strongswan-src.sh $(SS_DIR)

$(BUILD)/obj-pic/%.o: %.c $(SS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [pic] $<")
	$(Q)$(CC) $(IKE_CFLAGS) -c $< -o $@

$(IKE_PLUGIN): $(IKE_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -o $@ $^ -Wl,-z,defs -Wl,-rpath,/usr/lib/ipsec -L/usr/lib/ipsec \
		-lcharon -lstrongswan $(JSON_LIBS)

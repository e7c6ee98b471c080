# SPDX-License-Identifier: BSD-3-Clause
PPM_SRCS := ppm/ppm_eal.c ppm/ppm_port.c ppm/ppm_lcore.c
PPM_OBJS := $(PPM_SRCS:%.c=$(BUILD)/obj/%.o)
PPM_LIB  := $(BUILD)/libppm.a
OBJS += $(PPM_OBJS)
$(PPM_OBJS): ALL_CFLAGS += -Ippm
LIBS += $(PPM_LIB)

$(PPM_LIB): $(PPM_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

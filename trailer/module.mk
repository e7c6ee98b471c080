# SPDX-License-Identifier: BSD-3-Clause
# trailer/: the trailer codec (pure, trl_codec.c) and its tags (OpenSSL, trl_auth.c),
# docs/trailer.md. libtrl.a is linked by gw-core, the manager and the terminal tool.
TRL_SRCS := trailer/trl_codec.c trailer/trl_auth.c
TRL_OBJS := $(TRL_SRCS:%.c=$(BUILD)/obj/%.o)
TRL_LIB  := $(BUILD)/libtrl.a
TRL_LIBS  = -lcrypto
OBJS += $(TRL_OBJS)
LIBS += $(TRL_LIB)

$(TRL_LIB): $(TRL_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

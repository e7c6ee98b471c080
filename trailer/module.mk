# SPDX-License-Identifier: BSD-3-Clause
# trailer/: the trailer codec (pure, trl_codec.c) and its tags (OpenSSL, trl_auth.c),
# docs/trailer.md. libtrl.a is linked by gw-core, the manager and the terminal tool.
TRL_SRCS := trailer/trl_codec.c trailer/trl_auth.c
TRL_OBJS := $(TRL_SRCS:%.c=$(BUILD)/obj/%.o)
TRL_LIB  := $(BUILD)/libtrl.a
TRL_LIBS  = -lcrypto
OBJS += $(TRL_OBJS)
$(BUILD)/obj/trailer/trl_codec.o: ALL_CFLAGS += $(FAST_CFLAGS)
LIBS += $(TRL_LIB)

$(TRL_LIB): $(TRL_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

# agw-trailer: the terminal-side tagging tool. Its tc BPF program is built with clang and
# embedded in the binary (agw_trailer_obj.S). GLib reads its config (GKeyFile).
BPF_CC      ?= clang
BPF_CFLAGS  := -O2 -g -target bpf -Wall -Werror -I/usr/include/$(shell gcc -print-multiarch) -Itrailer
ATR_BPF_OBJ := $(BUILD)/bpf/agw_trailer.bpf.o
ATR_BIN     := $(BUILD)/bin/agw-trailer
ATR_OBJS    := $(BUILD)/obj/trailer/agw_trailer.o $(BUILD)/obj/trailer/agw_trailer_obj.o
GLIB_CFLAGS  = $(shell pkg-config --cflags glib-2.0)
GLIB_LIBS    = $(shell pkg-config --libs glib-2.0)
OBJS += $(BUILD)/obj/trailer/agw_trailer.o
BINS += $(ATR_BIN)

$(ATR_BPF_OBJ): trailer/agw_trailer.bpf.c trailer/agw_trailer.h trailer/trl_sha256.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(BPF_CC) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/obj/trailer/agw_trailer.o: ALL_CFLAGS += $(GLIB_CFLAGS)
$(BUILD)/obj/trailer/agw_trailer_obj.o: trailer/agw_trailer_obj.S $(ATR_BPF_OBJ)
	@mkdir -p $(@D)
	$(Q)$(CC) -DATR_BPF_OBJ='"$(ATR_BPF_OBJ)"' -c $< -o $@

$(ATR_BIN): $(ATR_OBJS) $(TRL_LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ -lbpf $(GLIB_LIBS) $(TRL_LIBS)

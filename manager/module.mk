# SPDX-License-Identifier: BSD-3-Clause
# manager/: the XML-RPC control API (xmlrpc-c Abyss), slice specs (libxml2), desired
# state (SQLite), gw-core programming (gwc_client).
MGR_CFLAGS = $(shell pkg-config --cflags libxml-2.0 sqlite3) $(shell xmlrpc-c-config abyss-server --cflags)
MGR_LIBS   = $(shell pkg-config --libs libxml-2.0 sqlite3) \
	$(shell xmlrpc-c-config abyss-server --libs) -lcrypt -lcrypto -lrte_cfgfile

MGR_LIB_SRCS := manager/mgr_spec.c manager/mgr_model.c manager/mgr_store.c manager/mgr_gwc.c
MGR_LIB_OBJS := $(MGR_LIB_SRCS:%.c=$(BUILD)/obj/%.o)
MGR_LIB      := $(BUILD)/libmgr.a
OBJS += $(MGR_LIB_OBJS)
LIBS += $(MGR_LIB)

# Fault and log messages are truncated on purpose when a name is very long.
$(MGR_LIB_OBJS): ALL_CFLAGS += $(MGR_CFLAGS) -Wno-format-truncation

$(MGR_LIB): $(MGR_LIB_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

MGR_BIN  := $(BUILD)/bin/agw-manager
MGR_OBJS := $(BUILD)/obj/manager/mgr_main.o $(BUILD)/obj/manager/mgr_rpc.o
OBJS += $(MGR_OBJS)
BINS += $(MGR_BIN)
$(MGR_OBJS): ALL_CFLAGS += $(MGR_CFLAGS) -Wno-format-truncation

$(MGR_BIN): $(MGR_OBJS) $(MGR_LIB) $(GWCCLIENT_LIB) $(TRL_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(MGR_OBJS) $(MGR_LIB) $(GWCCLIENT_LIB) $(TRL_LIB) $(MGR_LIBS) \
		$(JSON_LIBS) $(SYSTEMD_LIBS) -lpthread

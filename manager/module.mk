# SPDX-License-Identifier: BSD-3-Clause
# manager/: the XML-RPC control API (xmlrpc-c Abyss), slice specs (libxml2), desired
# state (SQLite), gw-core programming (gwc_client).
MGR_CFLAGS = $(shell pkg-config --cflags libxml-2.0 sqlite3) $(shell xmlrpc-c-config abyss-server --cflags)
MGR_LIBS   = $(shell pkg-config --libs libxml-2.0 sqlite3) \
	$(shell xmlrpc-c-config abyss-server --libs) -lcrypt -lcrypto -lrte_cfgfile

MGR_LIB_SRCS := manager/mgr_spec.c manager/mgr_model.c manager/mgr_store.c
MGR_LIB_OBJS := $(MGR_LIB_SRCS:%.c=$(BUILD)/obj/%.o)
MGR_LIB      := $(BUILD)/libmgr.a
OBJS += $(MGR_LIB_OBJS)
LIBS += $(MGR_LIB)

$(MGR_LIB_OBJS): ALL_CFLAGS += $(MGR_CFLAGS)

$(MGR_LIB): $(MGR_LIB_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

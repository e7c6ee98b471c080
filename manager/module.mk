# SPDX-License-Identifier: BSD-3-Clause
# manager/: the operations without a transport (mgr_ops.h), slice specs (libxml2), desired
# state (SQLite), gw-core programming (gwc_client), charon (VICI); the VNode XML-RPC
# front end (xmlrpc-c's registry behind libmicrohttpd with GnuTLS) in the agw-manager
# binary.
# charon (VICI): Debian installs libvici in /usr/lib/ipsec (package strongswan-swanctl),
# its header comes with the strongSwan source (tools/strongswan-src.sh).
# nsliver/'s node plan (nsl.h) is part of the manager's library: the manager decides with
# it what a node sliver takes (nsliver/module.mk)
NSL_PLAN_SRCS := nsliver/nsl_plan.c nsliver/nsl_image.c nsliver/nsl_rt.c nsliver/nsl_qmp.c \
	nsliver/nsl_vm.c
MGR_CFLAGS = -Insliver -Imanager $(shell pkg-config --cflags libxml-2.0 sqlite3 libmicrohttpd gnutls) \
	$(shell xmlrpc-c-config server-util --cflags) \
	-I$(BUILD)/strongswan/src/src/libcharon/plugins/vici
MGR_LIBS   = $(shell pkg-config --libs libxml-2.0 sqlite3 libmicrohttpd gnutls) \
	$(shell xmlrpc-c-config server-util --libs) -lcrypt -lcrypto -lcurl -lrte_cfgfile \
	-Wl,-rpath,/usr/lib/ipsec -L/usr/lib/ipsec -lvici

MGR_LIB_SRCS := manager/mgr_xml.c manager/mgr_spec.c manager/mgr_model.c manager/mgr_plan.c manager/mgr_alloc.c \
	manager/mgr_ep.c manager/mgr_ep_vlan.c manager/mgr_ep_gre.c manager/mgr_ep_trailer.c \
	manager/mgr_ep_ipsec.c manager/mgr_store.c manager/mgr_gwc.c manager/mgr_charon.c \
	manager/mgr_ops.c manager/mgr_report.c manager/mgr_conf.c \
	manager/mgr_capi.c manager/mgr_ops_capi.c manager/mgr_nsl.c $(NSL_PLAN_SRCS)
MGR_LIB_OBJS := $(MGR_LIB_SRCS:%.c=$(BUILD)/obj/%.o)
MGR_LIB      := $(BUILD)/libmgr.a
OBJS += $(MGR_LIB_OBJS)
LIBS += $(MGR_LIB)

# Fault and log messages are truncated on purpose when a name is very long.
$(MGR_LIB_OBJS): ALL_CFLAGS += $(MGR_CFLAGS) -Wno-format-truncation
$(BUILD)/obj/manager/mgr_charon.o: $(BUILD)/strongswan/stamp

$(MGR_LIB): $(MGR_LIB_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

MGR_BIN  := $(BUILD)/bin/agw-manager
# The process: its configuration, monitor, HTTP server and the VNode XML-RPC front end
# over the operations of libmgr (mgr_ops.h).
MGR_OBJS := $(BUILD)/obj/manager/mgr_main.o \
	$(BUILD)/obj/manager/mgr_sync.o $(BUILD)/obj/manager/mgr_http.o \
	$(BUILD)/obj/manager/mgr_xmlrpc.o
OBJS += $(MGR_OBJS)
BINS += $(MGR_BIN)
$(MGR_OBJS): ALL_CFLAGS += $(MGR_CFLAGS) -Wno-format-truncation

$(MGR_BIN): $(MGR_OBJS) $(MGR_LIB) $(GWCCLIENT_LIB) $(TRL_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(MGR_OBJS) $(MGR_LIB) $(GWCCLIENT_LIB) $(TRL_LIB) $(MGR_LIBS) \
		$(JSON_LIBS) $(SYSTEMD_LIBS) -lpthread

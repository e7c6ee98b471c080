# SPDX-License-Identifier: BSD-3-Clause
# lib/: code every process shares, with a prefix of its own per piece (no DPDK but
# rte_cfgfile):
#   gwc_client.[ch]  gw-core's control-socket client (gwc_conn_*): the manager, gwcctl and
#                    the kernel-agw plugin (built -fPIC there) link it
#   agw_json.h       json-c helpers (agw_json_*), header only
#   agw_fs.h         file-system helpers (agw_fs_*: mkdir -p), header only
#   agw_sock.h       socket helpers (agw_sock_*: a line in one sendmsg), header only
#   agw_cfg.h        INI sections read in full and bad values reported (agw_cfg_*; on
#                    DPDK's rte_cfgfile, which every config reader links), header only
# Everything is on the include path as -Ilib; nothing here includes a module's header.
GWCCLIENT_LIB := $(BUILD)/libgwcclient.a
OBJS += $(BUILD)/obj/lib/gwc_client.o
LIBS += $(GWCCLIENT_LIB)
$(GWCCLIENT_LIB): $(BUILD)/obj/lib/gwc_client.o
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

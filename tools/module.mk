# SPDX-License-Identifier: BSD-3-Clause
GWCCTL_BIN := $(BUILD)/bin/gwcctl
OBJS += $(BUILD)/obj/tools/gwcctl.o
BINS += $(GWCCTL_BIN)

$(GWCCTL_BIN): $(BUILD)/obj/tools/gwcctl.o $(GWCCLIENT_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(JSON_LIBS)

# The manager bench's C client (not installed): the same calls without Python's cost.
MGR_CLIENT_BIN := $(BUILD)/bench/mgr_client
OBJS += $(BUILD)/obj/tools/bench/mgr_client.o
$(MGR_CLIENT_BIN): $(BUILD)/obj/tools/bench/mgr_client.o
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lxmlrpc_client -lxmlrpc -lxmlrpc_xmlparse -lxmlrpc_xmltok \
		-lxmlrpc_util

# What a random cache line costs here: the floor under the scaling rows (not installed).
MEM_PROBE_BIN := $(BUILD)/bench/mem_probe
OBJS += $(BUILD)/obj/tools/bench/mem_probe.o
$(MEM_PROBE_BIN): $(BUILD)/obj/tools/bench/mem_probe.o
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

# The ESP floor: the least any ESP gateway does a packet with rte_ipsec and CPU crypto, on
# the same pcap and core; bounds the ESP rows' ratio over ipsec-secgw (not installed).
ESP_FLOOR_BIN := $(BUILD)/bench/esp_floor
OBJS += $(BUILD)/obj/tools/bench/esp_floor.o
$(BUILD)/obj/tools/bench/esp_floor.o: ALL_CFLAGS += $(FAST_CFLAGS)
$(ESP_FLOOR_BIN): $(BUILD)/obj/tools/bench/esp_floor.o
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DPDK_LIBS)

bench: $(GWC_BIN) $(MGR_BIN) $(MGR_CLIENT_BIN) $(MEM_PROBE_BIN) $(ESP_FLOOR_BIN)
	$(PYTHON) tools/bench/run_bench.py $(BUILD) $(BENCH_SECONDS)
	$(PYTHON) tools/bench/mgr_bench.py $(BUILD) $(BENCH_SLICES)
	BENCH_MGR_CLIENT=c $(PYTHON) tools/bench/mgr_bench.py $(BUILD) $(BENCH_SLICES)
	$(PYTHON) tools/bench/term_bench.py $(BUILD) $(BENCH_TERMINALS)

bench-manager: $(GWC_BIN) $(MGR_BIN) $(MGR_CLIENT_BIN)
	$(PYTHON) tools/bench/mgr_bench.py $(BUILD) $(BENCH_SLICES)
	BENCH_MGR_CLIENT=c $(PYTHON) tools/bench/mgr_bench.py $(BUILD) $(BENCH_SLICES)

BENCH_SLICES ?= 1000

BENCH_TERMINALS ?= 10000

BENCH_SECONDS ?= 3

# agwctl: the manager's CLI (xmlrpc-c client; its curl transport comes with the library).
AGWCTL_BIN := $(BUILD)/bin/agwctl
OBJS += $(BUILD)/obj/tools/agwctl.o
BINS += $(AGWCTL_BIN)
$(BUILD)/obj/tools/agwctl.o: ALL_CFLAGS += -Wno-format-truncation
$(AGWCTL_BIN): $(BUILD)/obj/tools/agwctl.o
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lxmlrpc_client -lxmlrpc -lxmlrpc_xmlparse -lxmlrpc_xmltok \
		-lxmlrpc_util $(JSON_LIBS)

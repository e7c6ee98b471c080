# SPDX-License-Identifier: BSD-3-Clause
GWCCTL_BIN := $(BUILD)/bin/gwcctl
OBJS += $(BUILD)/obj/tools/gwcctl.o
BINS += $(GWCCTL_BIN)

$(GWCCTL_BIN): $(BUILD)/obj/tools/gwcctl.o $(GWCCLIENT_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(JSON_LIBS)

bench: $(GWC_BIN)
	$(PYTHON) tools/bench/run_bench.py $(BUILD) $(BENCH_SECONDS)

BENCH_SECONDS ?= 5

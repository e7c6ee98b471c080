# SPDX-License-Identifier: BSD-3-Clause
UNIT_SRCS := tests/unit/main.c tests/unit/gw-core/test_gwc.c tests/unit/gw-core/test_gwc_config.c \
	tests/unit/manager/test_mgr_model.c tests/unit/manager/test_mgr_hostile.c \
	tests/unit/manager/test_mgr_capi.c tests/unit/manager/test_nsl.c \
	tests/unit/agw/test_agw.c \
	tests/unit/trailer/test_trl.c tests/unit/gw-core/test_gwc_sa.c \
	tests/unit/gw-core/test_gwc_handoff.c
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_BIN  := $(BUILD)/bin/unit-tests
VECTORS_H := $(BUILD)/gen/vectors.h
TRL_VECTORS_H := $(BUILD)/gen/trl_vectors.h
ESP_VECTORS_H := $(BUILD)/gen/esp_vectors.h
OBJS += $(UNIT_OBJS)

$(VECTORS_H): tests/unit/vectors/gen_vectors.py | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(PYTHON) $< $@

$(ESP_VECTORS_H): tests/unit/vectors/gen_esp_vectors.py | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(PYTHON) $< $@

$(TRL_VECTORS_H): tests/unit/vectors/gen_trailer_vectors.py | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(PYTHON) $< $@ $(BUILD)/gen/trl-corpus

$(UNIT_OBJS): ALL_CFLAGS += -I$(BUILD)/gen -Itests/unit -Igw-core -Ippm -Imanager -Insliver -Iagw -Itrailer -DAGW_SRCDIR='"$(CURDIR)"'
$(BUILD)/obj/tests/unit/gw-core/test_gwc.o: $(VECTORS_H) $(TRL_VECTORS_H) $(ESP_VECTORS_H)
$(BUILD)/obj/tests/unit/trailer/test_trl.o: $(TRL_VECTORS_H)
$(BUILD)/obj/tests/unit/gw-core/test_gwc_sa.o: $(ESP_VECTORS_H)
$(BUILD)/obj/tests/unit/gw-core/test_gwc_handoff.o: $(ESP_VECTORS_H)

$(UNIT_BIN): $(UNIT_OBJS) $(GWC_LIB) $(PPM_LIB) $(MGR_LIB) $(AGW_LIB) $(TRL_LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(UNIT_OBJS) -Wl,--whole-archive $(GWC_LIB) $(PPM_LIB) \
		-Wl,--no-whole-archive $(MGR_LIB) $(AGW_LIB) $(TRL_LIB) $(DPDK_LIBS) $(JSON_LIBS) $(MGR_LIBS) \
		$(CUNIT_LIBS) $(SYSTEMD_LIBS) $(TRL_LIBS) -lpthread -lm

# libFuzzer harnesses (clang; libfuzzer-14-dev). 'make fuzz FUZZ_SECONDS=600' for longer.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 120
FUZZ_TRAILER := $(BUILD)/fuzz/fuzz_trailer
$(FUZZ_TRAILER): tests/fuzz/fuzz_trailer.c trailer/trl_codec.c trailer/trl.h $(TRL_VECTORS_H) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-Itrailer tests/fuzz/fuzz_trailer.c trailer/trl_codec.c -o $@

# The manager's harnesses: its library built again with clang, instrumented for
# coverage (-fsanitize=fuzzer-no-link) and ASan/UBSan, into $(BUILD)/fuzz/obj.
FUZZ_CFLAGS = -std=gnu11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -MMD -MP -I. -Ilib -Igw-core -Ippm -Itrailer -Imanager -Insliver \
	-Itests/unit/gw-core \
	$(DPDK_CFLAGS) $(JSON_CFLAGS) $(MGR_CFLAGS) -DALLOW_EXPERIMENTAL_API
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined
FUZZ_MGR_SRCS = $(MGR_LIB_SRCS) manager/mgr_xmlrpc.c lib/gwc_client.c $(TRL_SRCS)
FUZZ_MGR_OBJS = $(FUZZ_MGR_SRCS:%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_SPEC    := $(BUILD)/fuzz/fuzz_spec
FUZZ_XMLRPC  := $(BUILD)/fuzz/fuzz_xmlrpc
# gw-core's harness: gw-core, ppm and the trailer codec built the same way.
FUZZ_GWC_SRCS = $(GWC_SRCS) $(PPM_SRCS) $(TRL_SRCS)
FUZZ_GWC_OBJS = $(FUZZ_GWC_SRCS:%.c=$(BUILD)/fuzz/gwc/%.o)
FUZZ_DATAPLANE := $(BUILD)/fuzz/fuzz_dataplane
FUZZ_CTL     := $(BUILD)/fuzz/fuzz_ctl
FUZZ_BINS    := $(FUZZ_TRAILER) $(FUZZ_SPEC) $(FUZZ_XMLRPC) $(FUZZ_DATAPLANE) $(FUZZ_CTL)
FUZZ_OBJS     = $(FUZZ_MGR_OBJS) $(BUILD)/fuzz/obj/tests/fuzz/fuzz_spec.o \
	$(BUILD)/fuzz/obj/tests/fuzz/fuzz_xmlrpc.o $(FUZZ_GWC_OBJS) \
	$(BUILD)/fuzz/gwc/tests/fuzz/fuzz_dataplane.o $(BUILD)/fuzz/gwc/tests/fuzz/fuzz_ctl.o

$(BUILD)/fuzz/obj/%.o: %.c | $(DEPS_STAMP) $(BUILD)/strongswan/stamp
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_SPEC) $(FUZZ_XMLRPC): $(BUILD)/fuzz/%: $(BUILD)/fuzz/obj/tests/fuzz/%.o $(FUZZ_MGR_OBJS)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^ $(MGR_LIBS) $(JSON_LIBS) $(DPDK_LIBS) -lcrypto -lpthread

# (a tree of its own: gw-core and the manager share a file name or two)
$(BUILD)/fuzz/gwc/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

# Whole-archive as gw-core's binary: PMD, log and tables-builder constructors.
$(FUZZ_DATAPLANE) $(FUZZ_CTL): $(BUILD)/fuzz/%: $(BUILD)/fuzz/gwc/tests/fuzz/%.o $(FUZZ_GWC_OBJS)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^ $(DPDK_LIBS) $(JSON_LIBS) $(TRL_LIBS) -lpthread

-include $(FUZZ_OBJS:.o=.d)

fuzz: $(FUZZ_BINS)
	tests/fuzz/run.sh $(BUILD) $(FUZZ_SECONDS)

unit: $(UNIT_BIN)
	tests/unit/run.sh $(BUILD)

check: $(UNIT_BIN) $(BINS) $(PLUGINS) $(FUZZ_BINS)
	tests/check.sh $(BUILD)

demo: $(BINS) $(PLUGINS)
	tests/e2e/run.sh --demo appliance ipsec_terminals federation node_vm

e2e: $(BINS) $(PLUGINS)
	tests/e2e/run.sh

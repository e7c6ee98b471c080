# SPDX-License-Identifier: BSD-3-Clause
# AGW top-level Makefile: one non-recursive GNU make; every directory adds its
# sources through a module.mk fragment (the OVS automake.mk idea, without automake).
#
#   make            build everything into build/
#   make check      unit tests (CUnit) and end-to-end tests (netns; root)
#   make bench      data-plane benchmarks beside a same-run dpdk-testpmd ceiling
#   make demo       the main job: the end-to-end topology, printing what crossed which hop
#   make SANITIZE=address,undefined check

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

BUILD    ?= build
CC       ?= cc
PYTHON   ?= /usr/bin/python3   # Debian's, where python3-scapy lives
SANITIZE ?=

# Dependencies come from Debian; tools/deps.sh installs what is missing. These
# variables are recursive (=) so that pkg-config runs after deps.sh did.
DPDK_CFLAGS = $(shell pkg-config --cflags libdpdk)
DPDK_LIBS   = $(shell pkg-config --libs libdpdk) -lrte_bus_vdev -lrte_net_ring
JSON_CFLAGS = $(shell pkg-config --cflags json-c)
JSON_LIBS   = $(shell pkg-config --libs json-c)
CUNIT_LIBS  = $(shell pkg-config --libs cunit)
SYSTEMD_LIBS = $(shell pkg-config --libs libsystemd)

WARN     := -Wall -Wextra -Werror -Wno-address-of-packed-member -Wno-missing-field-initializers
SAN_FLAGS = $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-omit-frame-pointer)
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(CFLAGS) $(WARN) $(SAN_FLAGS) -MMD -MP -I. -Ippm -Igw-core \
	$(DPDK_CFLAGS) $(JSON_CFLAGS) -DALLOW_EXPERIMENTAL_API
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

DEPS_STAMP := $(BUILD)/.deps-ok
$(DEPS_STAMP): tools/deps.sh
	@mkdir -p $(@D)
	@tools/deps.sh
	@touch $@

BINS  :=
LIBS  :=
OBJS  :=
CHECK_DEPS :=

include ppm/module.mk
include gw-core/module.mk
include trailer/module.mk
include manager/module.mk
include nsliver/module.mk
include agw/module.mk
include tools/module.mk
include tests/module.mk

V ?= 0
Q := $(if $(filter 1,$(V)),,@)

$(BUILD)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

all: $(BINS)

clean:
	rm -rf $(BUILD)

deps:
	tools/deps.sh

.PHONY: all clean deps check unit e2e bench demo

-include $(OBJS:.o=.d)

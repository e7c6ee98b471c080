# SPDX-License-Identifier: BSD-3-Clause
# AGW top-level Makefile: one non-recursive GNU make; every directory adds its
# sources through a module.mk fragment (the OVS automake.mk idea, without automake).
#
#   make            build everything into build/
#   make check      unit tests (CUnit), fuzzing (bounded) and end-to-end tests (netns; root)
#   make fuzz       the libFuzzer harnesses for FUZZ_SECONDS each
#   make bench      data-plane benchmarks beside a same-run dpdk-testpmd ceiling
#   make demo       the main job: the end-to-end topology, printing what crossed which hop
#   make install    binaries, example configs (kept if present), systemd units, docs
#                   (PREFIX=/usr/local, SYSCONFDIR=/etc, DESTDIR= for staging)
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
# The per-frame code (gw-core's worker, the trailer codec) at DPDK's own release level.
FAST_CFLAGS ?= -O3
ALL_CFLAGS = -std=gnu11 $(CFLAGS) $(WARN) $(SAN_FLAGS) -MMD -MP -I. -Ilib \
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

include lib/module.mk
include ppm/module.mk
include trailer/module.mk
include gw-core/module.mk
include manager/module.mk
include nsliver/module.mk
include agw/module.mk
include agw/kernel-agw/module.mk
include tools/module.mk
include tests/module.mk

V ?= 0
Q := $(if $(filter 1,$(V)),,@)

$(BUILD)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

all: $(BINS) $(PLUGINS)

clean:
	rm -rf $(BUILD)

deps:
	tools/deps.sh

# ------------------------------------------------------------------ install
PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
BINDIR     ?= $(PREFIX)/bin
CONFDIR    ?= $(SYSCONFDIR)/agw
DOCDIR     ?= $(PREFIX)/share/doc/agw
UNITDIR    ?= $(PREFIX)/lib/systemd/system
UNITS      := agw.service agw-gw-core.service agw-manager.service
CONFS      := agw.conf gw-core.conf sep-gw.conf trailer.conf strongswan-agw.conf

# Configs an operator has edited are never overwritten: a new example goes beside
# them as NAME.example.
# The units name the install paths: written at every install, never cached.
install: $(BINS) $(PLUGINS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(CONFDIR)/specs $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(DOCDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)
	@for u in $(UNITS); do \
		sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@CONFDIR@|$(CONFDIR)|g' \
			-e 's|@DOCDIR@|$(DOCDIR)|g' etc/systemd/$$u.in >$(DESTDIR)$(UNITDIR)/$$u; \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u; \
	done
	install -m 0644 etc/specs/*.xml $(DESTDIR)$(CONFDIR)/specs
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)
	@for f in $(CONFS); do \
		if [ -e $(DESTDIR)$(CONFDIR)/$$f ]; then \
			install -m 0644 etc/$$f $(DESTDIR)$(CONFDIR)/$$f.example; \
			echo "install: $(CONFDIR)/$$f exists: kept; the new example is $$f.example"; \
		else \
			install -m 0640 etc/$$f $(DESTDIR)$(CONFDIR)/$$f; \
		fi; \
	done
	@echo "install: done. Next: set password_hash in $(CONFDIR)/agw.conf" \
		"(agw-manager --hash-password); make the manager's TLS certificate and key" \
		"(openssl req: docs/manager-api.md, 'TLS') or set tls = no on loopback;" \
		"the ports in $(CONFDIR)/gw-core.conf, then" \
		"'systemctl daemon-reload && systemctl enable --now agw'"

.PHONY: all clean deps check unit e2e bench demo install fuzz

-include $(OBJS:.o=.d)

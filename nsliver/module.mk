# SPDX-License-Identifier: BSD-3-Clause
# nsliver/: not built yet (see the open issues); this fragment keeps the layout fixed.

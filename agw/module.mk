# SPDX-License-Identifier: BSD-3-Clause
# agw/: not built yet (see the open issues); this fragment keeps the layout fixed.

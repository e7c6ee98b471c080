# SPDX-License-Identifier: BSD-3-Clause
# manager/: not built yet (see the open issues); this fragment keeps the layout fixed.

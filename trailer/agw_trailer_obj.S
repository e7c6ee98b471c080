/* SPDX-License-Identifier: BSD-3-Clause */
/* The tc BPF object agw_trailer.bpf.o, embedded in agw-trailer (read with
 * bpf_object__open_mem): one binary to install on a terminal. */
	.section .rodata
	.balign 8
	.global atr_bpf_obj
	.global atr_bpf_obj_end
atr_bpf_obj:
	.incbin ATR_BPF_OBJ
atr_bpf_obj_end:
	.section .note.GNU-stack,"",@progbits

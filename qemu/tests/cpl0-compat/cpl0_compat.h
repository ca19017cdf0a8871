/* SPDX-License-Identifier: GPL-2.0 */
/* What cpl0_compat_try.S defines for cpl0_compat_main.c. */
#ifndef CPL0_COMPAT_H
#define CPL0_COMPAT_H

#include <linux/types.h>

long cpl0_compat_try(unsigned long kind, unsigned long stub,
		     unsigned long call_stack);
/* RSP at the transfer, for the way back; the stub's return address. */
extern u64 cpl0_compat_rsp;
extern const char cpl0_compat_back[];

#endif

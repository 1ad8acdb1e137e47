/* SPDX-License-Identifier: GPL-3.0-or-later */
/* form.c: placeholder, being written. */
#include "config.h"

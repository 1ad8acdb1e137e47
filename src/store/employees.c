/* SPDX-License-Identifier: GPL-3.0-or-later */
/* employees.c: placeholder, being written. */
#include "config.h"

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check.c: placeholder, being written. */
#include "config.h"

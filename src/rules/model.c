/* SPDX-License-Identifier: GPL-3.0-or-later */
/* model.c: placeholder, being written. */
#include "config.h"

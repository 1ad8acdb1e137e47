/* SPDX-License-Identifier: GPL-3.0-or-later */
/* reasons.c: placeholder, being written. */
#include "config.h"

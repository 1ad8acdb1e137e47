/* SPDX-License-Identifier: GPL-3.0-or-later */
/* engine.c: placeholder, being written. */
#include "config.h"

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* graph.c: placeholder, being written. */
#include "config.h"

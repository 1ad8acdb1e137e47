/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mustache.c: placeholder, being written. */
#include "config.h"

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* parse.c: placeholder, being written. */
#include "config.h"

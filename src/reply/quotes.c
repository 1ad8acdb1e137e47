/* SPDX-License-Identifier: GPL-3.0-or-later */
/* quotes.c: placeholder, being written. */
#include "config.h"

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* csv.c: placeholder, being written. */
#include "config.h"

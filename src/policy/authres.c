/* SPDX-License-Identifier: GPL-3.0-or-later */
/* authres.c: placeholder, being written. */
#include "config.h"

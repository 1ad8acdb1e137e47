/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ids.c: placeholder, being written. */
#include "config.h"

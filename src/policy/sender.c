/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sender.c: placeholder, being written. */
#include "config.h"

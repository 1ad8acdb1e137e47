/* SPDX-License-Identifier: GPL-3.0-or-later */
/* command.c: placeholder, being written. */
#include "config.h"
